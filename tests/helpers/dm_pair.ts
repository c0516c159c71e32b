/**
 * Test fixture: two signed-in users, each on their own instance (or the
 * same), with a direct message room between them and a chat socket each,
 * subscribed to it.
 * @module
 */
import { type Client, signedInClient } from "./client.ts";
import { type ChatClient, chatSocket } from "./chat_ws.ts";
import { type AppProcess, spawnApp } from "./process.ts";
import { startRedis, type TestRedis } from "./redis.ts";

/** Two users talking in a DM, A on `urlA` and B on `urlB`. */
export interface DmPair {
  a: Client;
  b: Client;
  dm: string;
  wa: ChatClient;
  wb: ChatClient;
}

/** Signs up A on `urlA` and B on `urlB`, opens their DM and both sockets. */
export async function dmPair(urlA: string, urlB: string): Promise<DmPair> {
  const a = await signedInClient(urlA);
  const b = await signedInClient(urlB);
  const { body } = await a.json<{ id: string }>("/api/dms", {
    json: { username: b.username },
  });
  const wa = await chatSocket(a);
  const wb = await chatSocket(b);
  await wa.subscribe(body.id);
  await wb.subscribe(body.id);
  return { a, b, dm: body.id, wa, wb };
}

/**
 * Runs `fn` with a test Redis and two app processes sharing one KV file and
 * that Redis as their doorbell; stops everything afterwards.
 */
export async function withRedisPair(
  fn: (redis: TestRedis, one: AppProcess, two: AppProcess) => Promise<void>,
): Promise<void> {
  const redis = await startRedis();
  const dir = await Deno.makeTempDir({ prefix: "rt_redis_pair_" });
  const env = { KV_PATH: `${dir}/shared.kv`, FANOUT: redis.url };
  const one = await spawnApp(env);
  const two = await spawnApp(env);
  try {
    await fn(redis, one, two);
  } finally {
    await one.stop();
    await two.stop();
    await redis.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
