import type { IncomingMessage, ServerResponse } from "node:http";

/** HTTP plumbing of the fake Bot API server: JSON answers and grammY's JSON or multipart requests. */

type Json = Record<string, any>;

/** A request's parameters and uploaded files. */
export interface RequestBody {
  payload: Json;
  files: Record<string, { filename: string; bytes: Buffer }>;
}

/** Answer with a JSON body. */
export function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Read a JSON or multipart/form-data request. */
export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (boundary) return parseMultipart(body, boundary);
  return { payload: body.length > 0 ? JSON.parse(body.toString("utf8")) : {}, files: {} };
}

/** Parse grammY's multipart/form-data: fields (JSON-decoded when they look like JSON) and files. */
function parseMultipart(body: Buffer, boundary: string): RequestBody {
  const payload: Json = {};
  const files: RequestBody["files"] = {};
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const data = Buffer.concat([Buffer.from("\r\n"), body]);
  let at = data.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // skip the CRLF after the boundary
    const next = data.indexOf(delimiter, start);
    if (next < 0) break;
    const part = data.subarray(start, next);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const content = part.subarray(split + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? "";
    const filename = /filename=("?)([^";\r\n]+)\1/.exec(head)?.[2];
    if (filename !== undefined) files[name] = { filename, bytes: Buffer.from(content) };
    else payload[name] = decodeField(content.toString("utf8"));
    at = next;
  }
  return { payload, files };
}

function decodeField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
