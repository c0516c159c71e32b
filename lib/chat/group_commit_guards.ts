/**
 * The guards' read for a group-commit batch: each distinct key once, then
 * every guard's check per send (a refusal refuses that send alone).
 * @module
 */
import { getManyChunked } from "./keys.ts";
import type { CommitGuard, SendInput } from "./group_commit_types.ts";

/**
 * Reads the guards' keys for `inputs` (each distinct key once) and
 * returns the refused inputs by index, with their errors.
 */
export async function readGuards(
  kv: Deno.Kv,
  guards: CommitGuard[],
  inputs: SendInput[],
): Promise<Map<number, unknown>> {
  const refused = new Map<number, unknown>();
  if (guards.length === 0) return refused;
  const slots = new Map<string, number>();
  const keys: Deno.KvKey[] = [];
  const wanted = inputs.map((input) =>
    guards.map((g) =>
      g.keys(input).map((key) => {
        const id = JSON.stringify(key);
        let slot = slots.get(id);
        if (slot === undefined) {
          slots.set(id, slot = keys.length);
          keys.push(key);
        }
        return slot;
      })
    )
  );
  const entries = await getManyChunked(kv, keys);
  inputs.forEach((input, i) => {
    try {
      guards.forEach((g, j) =>
        g.check(input, wanted[i][j].map((slot) => entries[slot]))
      );
    } catch (err) {
      refused.set(i, err);
    }
  });
  return refused;
}
