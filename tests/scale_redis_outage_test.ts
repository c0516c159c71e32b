/**
 * Redis outage and restart under two real processes (issue 15, "Bad input
 * and faults"): chat keeps working with catch-up from the log (no loss, no
 * duplicates), the doorbell reconnects, and each process logs the outage once.
 */
import assert from "node:assert/strict";
import { dmPair, withRedisPair } from "./helpers/dm_pair.ts";
import { hasRedisServer } from "./helpers/redis.ts";

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 4500; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const count = (text: string, word: string) => text.split(word).length - 1;

Deno.test({
  name:
    "scale: with Redis down and restarted, messages still reach the other process from the log without loss or duplicates, and the outage is logged once",
  ignore: !(await hasRedisServer()) && !Deno.env.get("CI"),
  async fn() {
    await withRedisPair(async (redis, one, two) => {
      const { dm, wa, wb } = await dmPair(one.url, two.url);
      const see = (text: string) =>
        wb.next((f) => f.type === "message" && f.message.text === text, text);
      const sendAndSee = async (text: string) => {
        await wa.sendMessage(dm, text, text);
        await see(text);
      };
      await sendAndSee("up");

      await redis.stop();
      await until(
        () =>
          one.stderr().includes("unreachable") &&
          two.stderr().includes("unreachable"),
        "both processes to notice the outage",
      );
      // Published while Redis is down: B gets them from the log.
      for (let i = 0; i < 5; i++) {
        await wa.sendMessage(dm, `down ${i}`, `down${i}`);
      }
      for (let i = 0; i < 5; i++) {
        assert.equal((await see(`down ${i}`)).message.seq, i + 2);
      }

      await redis.start();
      await until(
        () =>
          one.stderr().includes("reconnected") &&
          two.stderr().includes("reconnected"),
        "both processes to reconnect",
      );
      await sendAndSee("back up");

      // B saw each message once, in order (the inbox kept nothing extra).
      assert.equal(
        wb.inbox.filter((f) => f.type === "message").length,
        0,
        "duplicate messages on B",
      );
      for (const p of [one, two]) {
        assert.equal(count(p.stderr(), "unreachable"), 1, p.stderr());
        assert.equal(count(p.stderr(), "reconnected"), 1, p.stderr());
      }
      await wa.close();
      await wb.close();
    });
  },
});

Deno.test({
  name:
    "scale: when only a publisher's Redis connection drops, the events it could not publish still reach the other process",
  ignore: !(await hasRedisServer()) && !Deno.env.get("CI"),
  async fn() {
    await withRedisPair(async (redis, one, two) => {
      const { dm, wa, wb } = await dmPair(one.url, two.url);
      await wa.sendMessage(dm, "before", "before");
      await wb.next((f) => f.type === "message", "before");
      // Drops the publishing connections (not the subscribers'): B's own
      // connection stays up, so only A knows events were dropped.
      assert.match(
        await redis.command("CLIENT", "KILL", "TYPE", "normal"),
        /:\d/,
      );
      for (let i = 0; i < 3; i++) {
        await wa.sendMessage(dm, `dropped ${i}`, `dropped${i}`);
      }
      for (let i = 0; i < 3; i++) {
        const f = await wb.next(
          (f) => f.type === "message" && f.message.text === `dropped ${i}`,
          `dropped ${i}`,
        );
        assert.equal(f.message.seq, i + 2);
      }
      assert.equal(
        wb.inbox.filter((f) => f.type === "message").length,
        0,
        "duplicate messages on B",
      );
      await wa.close();
      await wb.close();
    });
  },
});
