/**
 * Deriving a valid username (3 to 32 of `a-z 0-9 _ . -`) from what a
 * provider tells about a person.
 * @module
 */

/** Smallest and largest username length (DESIGN.md §9). */
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;

/** What a provider may tell us that can become a username. */
export interface UsernameHints {
  /** OIDC `preferred_username` or GitHub `login`. */
  preferredUsername?: string;
  email?: string;
  name?: string;
}

/** Lowercases, strips accents and replaces runs of other characters by `_`. */
export function normalizeUsername(raw: string): string {
  const s = raw.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "_")
    .replace(/^[_.-]+|[_.-]+$/g, "")
    .slice(0, USERNAME_MAX)
    .replace(/[_.-]+$/g, "");
  return s;
}

/**
 * The preferred username for a new account: the provider's username, else
 * the email's local part (without a `+tag`), else the name, else `user`.
 * Always valid; not necessarily free (see {@link usernameCandidates}).
 */
export function baseUsername(hints: UsernameHints): string {
  const local = hints.email?.split("@")[0]?.split("+")[0];
  for (const raw of [hints.preferredUsername, local, hints.name]) {
    if (!raw) continue;
    // An email given as preferred_username: use its local part.
    const n = normalizeUsername(raw.includes("@") ? raw.split("@")[0] : raw);
    if (n.length >= USERNAME_MIN) return n;
    if (n.length > 0) return `${n}_user`;
  }
  return "user";
}

/**
 * Candidate usernames in order of preference: `base`, `base-2` ... `base-9`,
 * then `base-` plus random hex. Every candidate is at most 32 characters.
 */
export function* usernameCandidates(base: string): Generator<string> {
  yield base;
  const withSuffix = (suffix: string) =>
    base.slice(0, USERNAME_MAX - suffix.length).replace(/[_.-]+$/, "") +
    suffix;
  for (let i = 2; i <= 9; i++) yield withSuffix(`-${i}`);
  for (;;) {
    const hex = [...crypto.getRandomValues(new Uint8Array(4))]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    yield withSuffix(`-${hex}`);
  }
}
