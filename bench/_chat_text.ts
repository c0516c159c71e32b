/**
 * Chat-like text for the write benchmarks: lines of 6–12 everyday words
 * (about 8 distinct tokens each, so the search index costs what it does
 * for real chat), the same for a given `n`.
 * @module
 */
const WORDS = (
  "the team ships the release on friday after review of the build " +
  "please check logs deploy staging database migration cache latency " +
  "meeting notes agenda customer ticket bug fix merge branch test green " +
  "lunch coffee tomorrow morning afternoon weekly report numbers chart"
).split(" ");

/** Line number `n`. */
export function line(n: number): string {
  const count = 6 + (n % 7);
  const out: string[] = [];
  let x = n * 2654435761 >>> 0;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(" ");
}
