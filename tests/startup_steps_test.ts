/** Start-up steps when several instances start at once on one KV file. */
import assert from "node:assert/strict";
import { ADMINS_KEY } from "../lib/auth/admin_set.ts";
import { runStartupSteps } from "../lib/startup_steps.ts";

Deno.test("start-up: six instances starting at once on one KV file all finish their start-up steps", async () => {
  // SQLite answers "database is locked" when two connections upgrade to a
  // write at once; without a retry, some instance failed to start (it did
  // in most rounds here).
  for (let round = 0; round < 10; round++) {
    const dir = await Deno.makeTempDir({ prefix: "rt_startup_" });
    const kvs = await Promise.all(
      Array.from({ length: 6 }, () => Deno.openKv(`${dir}/shared.kv`)),
    );
    try {
      const results = await Promise.allSettled(kvs.map(runStartupSteps));
      const failed = results.filter((r) => r.status === "rejected");
      assert.deepEqual(failed, [], `round ${round}`);
      assert.deepEqual((await kvs[0].get(ADMINS_KEY)).value, []);
    } finally {
      kvs.forEach((kv) => kv.close());
      await Deno.remove(dir, { recursive: true });
    }
  }
});
