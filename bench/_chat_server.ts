/**
 * Our app for the chat benches: a real server on a KV file with open
 * sign-up and the per-user send limits lifted (the benches measure
 * throughput, not the limits).
 * @module
 */
import { startServer, type TestServer } from "../tests/helpers/server.ts";

/** Starts the app on `kvPath` with `env` on top of the bench settings. */
export function startChatBenchServer(
  kvPath: string,
  env: Record<string, string> = {},
): Promise<TestServer> {
  return startServer({
    kvPath,
    env: {
      SIGNUP_POLICY: "open",
      CHAT_SEND_BURST: "100000000",
      CHAT_SEND_PER_SECOND: "100000000",
      ...env,
    },
  });
}
