/**
 * The share of the query's characters that matched tokens cover: for Han
 * phrases, the characters inside any matched bigram or word; a Latin
 * phrase counts whole when its word matched (exactly, by prefix or fuzzily).
 */
export function coverage(phrases: string[], matched: string[]): number {
  let covered = 0;
  let total = 0;
  for (const phrase of phrases) {
    const chars = [...phrase];
    total += chars.length;
    const hit = new Array<boolean>(chars.length).fill(false);
    for (const token of matched) {
      const len = [...token].length;
      for (let i = phrase.indexOf(token); i >= 0; i = phrase.indexOf(token, i + 1)) {
        const start = [...phrase.slice(0, i)].length;
        hit.fill(true, start, start + len);
      }
    }
    covered += hit.filter(Boolean).length;
  }
  return total === 0 ? 0 : covered / total;
}
