/**
 * Named points where a chaos test can stop the process. Honoured only when
 * `RT_TEST_HOOKS=1` is set explicitly; then `RT_TEST_PAUSE_AT=<name>` makes
 * the process print `test point reached: <name>` on stderr and wait forever
 * at that point, so the test can SIGKILL it exactly there. Without the
 * variables (every real deployment) a point costs one boolean check.
 * @module
 */

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: hooks are off
  }
}

const pauseAt = env("RT_TEST_HOOKS") === "1"
  ? env("RT_TEST_PAUSE_AT")
  : undefined;

/** Pauses here for good when a chaos test asked for this point. */
export async function testPoint(name: string): Promise<void> {
  if (pauseAt !== name) return;
  console.error(`test point reached: ${name}`);
  await new Promise(() => {});
}
