/**
 * Password hashing with Argon2id (WebAssembly, no native addon).
 * Parameters follow OWASP's minimum: 19 MiB memory, 2 passes, 1 lane.
 * @module
 */
import { argon2id, argon2Verify } from "hash-wasm";

/** Hashes `password` into a PHC-encoded Argon2id string. */
export async function hashPassword(password: string): Promise<string> {
  return await argon2id({
    password,
    salt: crypto.getRandomValues(new Uint8Array(16)),
    parallelism: 1,
    iterations: 2,
    memorySize: 19456,
    hashLength: 32,
    outputType: "encoded",
  });
}

/** True when `password` matches the encoded `hash`. */
export async function verifyPassword(
  password: string,
  hash: string,
): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

/** A hash of a random password, for constant-time "unknown user" checks. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return dummyHash ??= hashPassword(crypto.randomUUID());
}
