import { crc32 } from "node:zlib";

/**
 * A file of a few byte sections, each with its length and CRC-32, for the
 * caches the bot writes and reads back without parsing. A disk, a copy or
 * an editor can change any byte of such a file; read back blindly, a
 * changed length or offset made the reader allocate gigabytes (a fatal,
 * uncatchable V8 error) and a changed posting silently changed answers.
 * Here every length is checked against the file before anything is sliced
 * and every byte is covered by a checksum, so any damage is refused as a
 * whole, with which part failed.
 *
 * Layout (little-endian u32s): magic, section count, per section its length
 * and CRC-32, the CRC-32 of everything before it; then the sections, each
 * starting at a multiple of 4 (typed arrays need it), padded with zeros.
 */

/** Bytes that are not a sound file of this kind: the message says which part failed. */
export class DamagedFile extends Error {
  override readonly name = "DamagedFile";
}

const ALIGN = 4;
const padded = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The file of `sections`, starting with `magic`. */
export function packSections(magic: number, sections: readonly Uint8Array[]): Buffer {
  const table = Buffer.alloc(8 + sections.length * 8 + 4);
  table.writeUInt32LE(magic, 0);
  table.writeUInt32LE(sections.length, 4);
  sections.forEach((s, i) => {
    table.writeUInt32LE(s.length, 8 + i * 8);
    table.writeUInt32LE(crc32(s), 12 + i * 8);
  });
  table.writeUInt32LE(crc32(table.subarray(0, table.length - 4)), table.length - 4);
  const parts: Uint8Array[] = [table];
  for (const s of sections) parts.push(s, Buffer.alloc(padded(s.length) - s.length));
  return Buffer.concat(parts);
}

/**
 * The sections of a file written by {@link packSections} with `magic` and
 * one section per name in `names` (views into `bytes`, not copies).
 * @throws DamagedFile when the magic, the table, a length, a checksum or
 * the padding is not what was written
 */
export function unpackSections(bytes: Buffer, magic: number, names: readonly string[]): Buffer[] {
  const tableLength = 8 + names.length * 8 + 4;
  if (bytes.length < tableLength) throw new DamagedFile(`${bytes.length} bytes, shorter than its table of contents`);
  if (bytes.readUInt32LE(0) !== magic) throw new DamagedFile("wrong file signature");
  if (bytes.readUInt32LE(4) !== names.length)
    throw new DamagedFile(`${bytes.readUInt32LE(4)} sections instead of ${names.length}`);
  if (crc32(bytes.subarray(0, tableLength - 4)) !== bytes.readUInt32LE(tableLength - 4))
    throw new DamagedFile("table of contents checksum mismatch");
  let at = tableLength;
  const sections = names.map((name, i) => {
    const length = bytes.readUInt32LE(8 + i * 8);
    if (at + padded(length) > bytes.length)
      throw new DamagedFile(`${name}: ${length} bytes run past the end of the file`);
    const section = bytes.subarray(at, at + length);
    if (crc32(section) !== bytes.readUInt32LE(12 + i * 8)) throw new DamagedFile(`${name}: checksum mismatch`);
    for (let p = at + length; p < at + padded(length); p++)
      if (bytes[p] !== 0) throw new DamagedFile(`${name}: padding is not zero`);
    at += padded(length);
    return section;
  });
  if (at !== bytes.length) throw new DamagedFile(`${bytes.length - at} bytes after the last section`);
  return sections;
}
