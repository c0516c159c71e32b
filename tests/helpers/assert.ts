/**
 * Assertions for tests, on `node:assert/strict` (std/assert is not installable).
 * @module
 */
import assert from "node:assert/strict";

/** Deep strict equality. */
export function assertEquals<T>(
  actual: T,
  expected: T,
  message?: string,
): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** Truthiness. */
export function assert_(value: unknown, message?: string): asserts value {
  assert.ok(value, message);
}
export { assert_ as assert };

/** `text` contains `part`. */
export function assertStringIncludes(
  text: string,
  part: string,
  message?: string,
): void {
  assert.ok(
    text.includes(part),
    message ??
      `expected to find ${JSON.stringify(part)} in:\n${text.slice(0, 2000)}`,
  );
}

/** `text` does not contain `part`. */
export function assertNotIncludes(
  text: string,
  part: string,
  message?: string,
): void {
  assert.ok(
    !text.includes(part),
    message ??
      `did not expect ${JSON.stringify(part)} in:\n${text.slice(0, 2000)}`,
  );
}

type ErrorClass = new (...args: never[]) => Error;

function checkError(err: unknown, type?: ErrorClass, includes?: string): Error {
  if (type && !(err instanceof type)) {
    throw new assert.AssertionError({
      message: `expected ${type.name}, got ${err}`,
    });
  }
  const message = String((err as Error)?.message);
  if (includes && !message.includes(includes)) {
    throw new assert.AssertionError({
      message: `expected message with "${includes}", got "${message}"`,
    });
  }
  return err as Error;
}

/** `fn` throws (or rejects) an error of `type` whose message includes `includes`. */
export async function assertRejects(
  fn: () => unknown,
  type?: ErrorClass,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return checkError(err, type, includes);
  }
  throw new assert.AssertionError({ message: "expected a throw" });
}

/** Synchronous variant of {@link assertRejects}. */
export function assertThrows(
  fn: () => unknown,
  type?: ErrorClass,
  includes?: string,
): Error {
  try {
    fn();
  } catch (err) {
    return checkError(err, type, includes);
  }
  throw new assert.AssertionError({ message: "expected a throw" });
}

export { assert as nodeAssert };
