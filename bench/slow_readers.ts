/**
 * Slow readers (issue 14 item 8): 200 sockets subscribed to one room that
 * never read, while one sender posts 3,500-character messages (~14 MB per
 * socket: more than the kernel's socket buffers absorb). Reports the server's
 * RSS growth with our per-socket buffer bounds (CHAT_BUFFER_BYTES default:
 * soft 256 KiB, hard 1 MiB) next to the previous defaults (1 MiB / 4 MiB),
 * each in a fresh child process, and the bound they imply.
 *
 *   deno run -A bench/slow_readers.ts [--readers=200] [--messages=4000] [--size=3500]
 */
import { EventBus } from "../lib/events.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { ChatHub } from "../lib/chat/hub.ts";
import { HUB_DEFAULTS } from "../lib/chat/hub_options.ts";
import { addMember, createRoom } from "../lib/chat/rooms.ts";
import { ChatClient, RawWsClient } from "../tests/helpers/chat_ws.ts";

const args = new Map(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "1"] as const;
}));
const READERS = Number(args.get("readers") ?? 200);
const MESSAGES = Number(args.get("messages") ?? 4000);
const SIZE = Number(args.get("size") ?? 3500);
const MB = (n: number) => (n / 2 ** 20).toFixed(0);

async function child(soft: number) {
  const kv = await Deno.openKv(":memory:");
  const bus = new EventBus(null);
  const writer = new GroupCommitter(kv);
  const hub = new ChatHub({ kv, bus, writer }, {
    softBufferBytes: soft,
    hardBufferBytes: 4 * soft,
    sendBurst: 1e9,
    sendPerSecond: 1e9,
  });
  const server = Deno.serve({ port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    hub.attach(socket, new URL(req.url).searchParams.get("user")!, "");
    return response;
  });
  const url = (u: string) => `ws://127.0.0.1:${server.addr.port}/?user=${u}`;
  const room = (await createRoom(kv, "alice", {
    name: "slow",
    visibility: "private",
  })).id;
  await addMember(kv, "alice", room, "bob", () => Promise.resolve(true));
  const readers: RawWsClient[] = [];
  for (let i = 0; i < READERS; i++) {
    const r = await RawWsClient.open(url("bob"), {});
    await r.sendText(JSON.stringify({ type: "subscribe", room }));
    readers.push(r);
  }
  while (hub.stats.rooms < 1) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 500));
  const a = await ChatClient.open(url("alice"));
  await a.subscribe(room);
  const rss0 = Deno.memoryUsage().rss;
  let peak = rss0;
  const text = "x".repeat(SIZE);
  for (let i = 0; i < MESSAGES; i += 50) {
    const batch = [];
    for (let k = 0; k < 50; k++) {
      batch.push(a.sendMessage(room, text, `c${i + k}`));
    }
    await Promise.all(batch);
    peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  await new Promise((r) => setTimeout(r, 1000));
  peak = Math.max(peak, Deno.memoryUsage().rss);
  console.log(JSON.stringify({
    rss0,
    peak,
    slowClosed: hub.stats.slowClosed,
    maxBuffered: hub.stats.maxBuffered,
  }));
  Deno.exit(0);
}

if (args.has("child")) await child(Number(args.get("soft")));
else {
  const run = async (soft: number) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        "--child",
        `--soft=${soft}`,
        `--readers=${READERS}`,
        `--messages=${MESSAGES}`,
        `--size=${SIZE}`,
      ],
      stderr: "inherit",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout).trim());
  };
  const ours = await run(HUB_DEFAULTS.softBufferBytes);
  const old = await run(1 << 20);
  const row = (r: Record<string, number>) =>
    `RSS +${MB(r.peak - r.rss0)} MB (peak ${
      MB(r.peak)
    } MB), ${r.slowClosed} closed as slow, max buffered ${
      MB(r.maxBuffered)
    } MB`;
  console.log(
    `slow readers: ${READERS} sockets never reading, ${MESSAGES} messages of ${SIZE} characters to their room`,
  );
  console.log(
    `ours (soft ${
      MB(HUB_DEFAULTS.softBufferBytes * 4) === "1" ? "256 KiB" : ""
    }, hard ${MB(HUB_DEFAULTS.hardBufferBytes)} MiB): ${row(ours)}`,
  );
  console.log(`previous bounds (1 MiB / 4 MiB): ${row(old)}`);
  console.log(
    `bound: ${READERS} × hard ${MB(HUB_DEFAULTS.hardBufferBytes)} MiB = ${
      MB(READERS * HUB_DEFAULTS.hardBufferBytes)
    } MB of send buffers at most (plus ~48 KiB + one frame per socket between checks)`,
  );
}
