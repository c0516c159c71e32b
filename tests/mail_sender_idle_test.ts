import { assert } from "./helpers/assert.ts";
import { withKv } from "./helpers/kv.ts";
import { Sender } from "../lib/mail/sender.ts";
import { createTransport } from "../lib/mail/transport.ts";

/** The real KV, with every read (get, getMany, list) counted. */
function countingKv(kv: Deno.Kv): { kv: Deno.Kv; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "get" || prop === "getMany" || prop === "list") {
        return (...args: unknown[]) => {
          reads++;
          return v.apply(target, args);
        };
      }
      return v.bind(target);
    },
  });
  return { kv: counted, reads: () => reads };
}

Deno.test("mail sender: with no campaign the loop sleeps, making at most a few KV reads per second", async () => {
  await withKv(async (raw) => {
    const { kv, reads } = countingKv(raw);
    const transport = createTransport(raw, {});
    const sender = new Sender({
      kv,
      transport,
      mailFrom: "RT <no-reply@rt.test>",
      appUrl: "http://localhost",
      pollMs: 500,
    }).start();
    const seconds = 2;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await sender.stop();
    transport.close();
    const n = reads();
    // One listing of active campaigns per 500 ms poll: about 2 per second.
    // (The spinning loop made thousands.)
    assert(n <= 4 * seconds + 2, `${n} KV reads in ${seconds} s while idle`);
    assert(n >= 1, "the sender never looked for work");
  });
});
