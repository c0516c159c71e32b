/**
 * The Fanout choices (lib/fanout/): configuration, kv-watch between two
 * buses on one KV, and the Redis backoff bounds.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../lib/config.ts";
import { EventBus } from "../lib/events.ts";
import { KvWatchFanout, shardOf } from "../lib/fanout/kv_watch.ts";
import { redisBackoffMs } from "../lib/fanout/redis.ts";
import type { BusEvent } from "../lib/events.ts";

Deno.test("fanout: FANOUT accepts broadcast, kv-watch and redis URLs and refuses anything else at start-up", () => {
  assert.equal(loadConfig({}).fanout, "broadcast");
  assert.equal(loadConfig({ FANOUT: "kv-watch" }).fanout, "kv-watch");
  assert.equal(
    loadConfig({ FANOUT: "redis://127.0.0.1:6379" }).fanout,
    "redis://127.0.0.1:6379",
  );
  for (const bad of ["nats://x", "redis://", "kafka", "redis:/x"]) {
    assert.throws(() => loadConfig({ FANOUT: bad }), /FANOUT must be/);
  }
});

Deno.test("fanout: kv-watch carries events between two buses on one KV, in order per topic, never back to the sender, never to another name", async () => {
  const kv = await Deno.openKv(":memory:");
  const one = new EventBus(new KvWatchFanout(kv, 20));
  const two = new EventBus(new KvWatchFanout(kv, 20));
  const other = new EventBus(new KvWatchFanout(kv, 20, "another-app"));
  try {
    const got: BusEvent[] = [];
    const echo: BusEvent[] = [];
    const { promise, resolve } = Promise.withResolvers<void>();
    two.subscribe("room:x", (e) => {
      got.push(e);
      if (got.length === 300) resolve();
    });
    one.subscribe("room:x", (e) => echo.push(e));
    const stray: BusEvent[] = [];
    other.subscribe("room:x", (e) => stray.push(e));
    await new Promise((r) => setTimeout(r, 50)); // both read the heads
    for (let i = 0; i < 300; i++) one.publish("room:x", { i });
    await promise;
    assert.deepEqual(got.map((e) => e.i), [...Array(300).keys()]);
    assert.equal(echo.length, 300); // local delivery only, once
    // By now `two` has read all 300 from KV; `other` polls its own keys too.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(stray.length, 0);
  } finally {
    await one.close();
    await two.close();
    await other.close();
    kv.close();
  }
});

Deno.test("fanout: kv-watch spreads topics over its shards and Redis backoff stays within 50 ms to 5 s", () => {
  const shards = new Set<number>();
  for (let i = 0; i < 100; i++) shards.add(shardOf(`room:${i}`));
  assert.equal(shards.size, 8);
  for (let t = 1; t < 50; t++) {
    const ms = redisBackoffMs(t);
    assert.ok(ms >= 50 && ms <= 5000, `${t}: ${ms}`);
  }
});
