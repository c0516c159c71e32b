/**
 * The raw reference for bench/memory.ts (`_raw_broadcast.ts`), run as its
 * own process so its memory can be read alone. Prints its port.
 *
 *   deno run -A bench/_raw_ws_server.ts
 * @module
 */
import { serveRawBroadcast } from "./_raw_broadcast.ts";

serveRawBroadcast((a) => console.log(JSON.stringify({ port: a.port })));
