/**
 * Message search benchmark: `searchMessages` (the KV index written with
 * every message) against a full scan of the same rooms, on the same data in
 * the same run. Prints p50/p95/max per query for both and the ratio.
 *
 *   deno run -A bench/search.ts                      # 1,000,000 messages
 *   deno run -A bench/search.ts --messages=100000    # quicker
 *   deno run -A bench/search.ts --queries=200 --scans=5 --warm-up=100
 *
 * Data: 40 rooms (the searching user belongs to 20), messages of 4 to 14
 * words drawn from a 6,000-word Zipf vocabulary with some accented words,
 * written in key order in batched atomics with exactly the index entries the
 * group commit writes (`indexEntries`). One temporary KV file, removed at
 * the end.
 */
import {
  memberKey,
  msgKey,
  roomKey,
  seqKey,
  userRoomKey,
} from "../lib/chat/keys.ts";
import type { Message } from "../lib/chat/protocol.ts";
import type { StoredRoom } from "../lib/chat/room_access.ts";
import { indexEntries } from "../lib/search/index_keys.ts";
import { parseSearch } from "../lib/search/query.ts";
import { fullScanSearch } from "../lib/search/full_scan.ts";
import { searchMessages } from "../lib/search/search.ts";

const args = new Map(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "1"] as const;
}));
const MESSAGES = Number(args.get("messages") ?? 1_000_000);
const QUERIES = Number(args.get("queries") ?? 200);
const SCANS = Number(args.get("scans") ?? 5);
const WARM_UP = Number(args.get("warm-up") ?? 100);
const ROOMS = 40;
const USER = "searcher";

let seed = 0x9e3779b9;
const rnd = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const SYL = "ka lo mi ne ru ta vo shi pe da zu re mo la ti fa go be nu so"
  .split(" ");
const ACCENT = ["café", "crème", "brûlée", "naïve", "résumé", "façade"];
const VOCAB: string[] = [...ACCENT];
while (VOCAB.length < 6000) {
  const n = 2 + Math.floor(rnd() * 3);
  let w = "";
  for (let i = 0; i < n; i++) w += SYL[Math.floor(rnd() * SYL.length)];
  VOCAB.push(w);
}
// Zipf-like: word i has weight 1/(i+1).
const CUM: number[] = [];
let total = 0;
for (let i = 0; i < VOCAB.length; i++) CUM.push(total += 1 / (i + 1));
const word = () => {
  const x = rnd() * total;
  let lo = 0, hi = CUM.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUM[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCAB[lo];
};
const AUTHORS = Array.from({ length: 30 }, (_, i) => `user${i}`);

// `--search-data=FILE` keeps the generated store in FILE and reuses it when it
// already holds this many messages (repeated runs, profiling); otherwise a
// temporary file is written and removed.
const kept = args.get("search-data");
const path = kept ?? await Deno.makeTempFile({ suffix: ".kv" });
const kv = await Deno.openKv(path);
// Versioned with the index layout: data of an older layout is written again.
const META: Deno.KvKey = ["bench_search_meta", 4];
const reuse = kept !== undefined &&
  (await kv.get<number>(META)).value === MESSAGES;
// An interrupted run leaves no temporary KV file behind.
for (const sig of kept ? [] : ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    for (const ext of ["", "-shm", "-wal"]) {
      try {
        Deno.removeSync(path + ext);
      } catch { /* gone */ }
    }
    Deno.exit(130);
  });
}
try {
  if (!reuse) await fill();
  else {console.log(
      `reusing ${MESSAGES.toLocaleString("en")} messages in ${path}`,
    );}
  await runQueries();
} finally {
  kv.close();
  if (!kept) {
    for (const ext of ["", "-shm", "-wal"]) {
      await Deno.remove(path + ext).catch(() => {});
    }
  }
}

/** Writes the rooms, messages and their index entries. */
async function fill() {
  if (kept) {
    // Start from an empty store.
    for await (const e of kv.list({ prefix: [] })) await kv.delete(e.key);
  }
  console.log(`writing ${MESSAGES.toLocaleString("en")} messages…`);
  const t0 = performance.now();
  const rooms: StoredRoom[] = Array.from({ length: ROOMS }, (_, i) => ({
    id: `room${String(i).padStart(3, "0")}`,
    name: `room-${i}`,
    visibility: "private",
    createdBy: "user0",
    createdAt: new Date(0).toISOString(),
  }));
  const setup = kv.atomic();
  for (const [i, r] of rooms.entries()) {
    setup.set(roomKey(r.id), r);
    if (i % 2 === 0) {
      setup.set(memberKey(r.id, USER), { joinedAt: r.createdAt })
        .set(userRoomKey(USER, r.id), { joinedAt: r.createdAt });
    }
  }
  await setup.commit();
  // Generated in memory first, then written in key order (each room's
  // messages, then each room's postings token by token), a few commits in
  // flight: the same entries the group commit writes (`indexEntries`), at
  // the speed of sequential B-tree appends instead of random inserts.
  const seqs = new Array(ROOMS).fill(0);
  const start = Date.UTC(2026, 0, 1);
  const byRoom: Message[][] = rooms.map(() => []);
  for (let i = 0; i < MESSAGES; i++) {
    const r = Math.floor(rnd() * ROOMS);
    const n = 4 + Math.floor(rnd() * 11);
    byRoom[r].push({
      id: `m${i}`,
      room: rooms[r].id,
      seq: ++seqs[r],
      author: AUTHORS[Math.floor(rnd() * AUTHORS.length)],
      text: Array.from({ length: n }, word).join(" "),
      createdAt: new Date(start + i * 1000).toISOString(),
    });
  }
  const inFlight: Promise<unknown>[] = [];
  let op = kv.atomic();
  let mutations = 0;
  let written = 0;
  const put = async (key: Deno.KvKey, value: unknown) => {
    op.set(key, value);
    if (++mutations < 1000) return;
    inFlight.push(
      op.commit().then((r) => {
        if (!r.ok) throw new Error("bulk write failed");
      }),
    );
    op = kv.atomic();
    mutations = 0;
    if (inFlight.length >= 4) await inFlight.shift();
    if (++written % 1000 === 0) {
      console.log(`  ${(written * 1000).toLocaleString("en")} entries`);
    }
  };
  for (const msgs of byRoom) {
    for (const m of msgs) await put(msgKey(m.room, m.seq), m);
    const postings = new Map<string, [Deno.KvKey, Uint8Array][]>();
    for (const m of msgs) {
      for (const [key, t] of indexEntries(m)) {
        const token = key[2] as string;
        const list = postings.get(token);
        if (list) list.push([key, t]);
        else postings.set(token, [[key, t]]);
      }
    }
    const tokens = [...postings.keys()].sort();
    for (const token of tokens) {
      for (const [key, t] of postings.get(token)!) await put(key, t);
    }
  }
  if (mutations) inFlight.push(op.commit());
  await Promise.all(inFlight);
  const last = kv.atomic();
  rooms.forEach((r, i) => last.set(seqKey(r.id), seqs[i]));
  await last.commit();
  byRoom.length = 0;
  await kv.set(META, MESSAGES);
  console.log(
    `written in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

/** Times the queries, ours and the full scan, and prints the rows. */
async function runQueries() {
  seed = 0x2545f491; // the same queries whether or not the data was reused
  // Queries: a mix of frequent and rare words, prefixes, pairs, a phrase,
  // accent-folded words and from: filters.
  const mid = () => VOCAB[50 + Math.floor(rnd() * 2000)];
  const KIND_NAMES = [
    "one mid-frequency word",
    "a 4-letter prefix",
    "frequent word + mid word",
    "phrase of two top-20 words",
    "accent-folded words",
    "word + from:",
    "rare word",
  ];
  const kinds: (() => string)[] = [
    () => mid(),
    () => mid().slice(0, 4),
    () => `${VOCAB[Math.floor(rnd() * 40)]} ${mid()}`,
    () => `"${VOCAB[Math.floor(rnd() * 20)]} ${VOCAB[Math.floor(rnd() * 20)]}"`,
    () => ["cafe", "creme brul", "naive", "resume"][Math.floor(rnd() * 4)],
    () => `${mid()} from:${AUTHORS[Math.floor(rnd() * 30)]}`,
    () => VOCAB[4000 + Math.floor(rnd() * 2000)],
  ];
  const queries = Array.from(
    { length: QUERIES },
    (_, i) => kinds[i % kinds.length](),
  );
  const time = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number) =>
      s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return {
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: s[s.length - 1],
    };
  };
  if (args.has("only")) {
    // Diagnostics: time one query repeatedly.
    const q = parseSearch({ q: args.get("only")! });
    const t = performance.now();
    for (let i = 0; i < 20; i++) await searchMessages(kv, USER, q);
    console.log(`  ${((performance.now() - t) / 20).toFixed(1)} ms each`);
  }
  // Warm up as a running server is: JIT-compiled code and the index's
  // pages in the OS cache, from other queries of the same kinds (the timed
  // ones are not run before they are timed).
  const warmUp = Array.from(
    { length: WARM_UP },
    (_, i) => kinds[i % kinds.length](),
  );
  for (const q of warmUp) await searchMessages(kv, USER, parseSearch({ q }));
  const ours: number[] = [];
  let hits = 0;
  // Requests that stopped at the scan budget: short, with a cursor.
  let budgeted = 0;
  const slowest: [number, string][] = [];
  const byKind: number[][] = kinds.map(() => []);
  for (const q of queries) {
    const ms = await time(async () => {
      const query = parseSearch({ q });
      const page = await searchMessages(kv, USER, query);
      hits += page.results.length;
      if (page.cursor && page.results.length < query.limit) budgeted++;
    });
    ours.push(ms);
    slowest.push([ms, q]);
    byKind[(ours.length - 1) % kinds.length].push(ms);
  }
  if (args.has("calls")) {
    // KV calls per query kind (diagnostics).
    const proto = Object.getPrototypeOf(kv);
    const count = { list: 0, getMany: 0, get: 0 };
    for (const name of ["list", "getMany", "get"] as const) {
      const orig = proto[name];
      proto[name] = function (this: Deno.Kv, ...a: unknown[]) {
        count[name]++;
        return orig.apply(this, a);
      };
    }
    for (const q of queries.slice(0, 14)) {
      count.list = count.getMany = count.get = 0;
      await searchMessages(kv, USER, parseSearch({ q }));
      console.log(`  ${JSON.stringify(count)}  ${q}`);
    }
  }
  if (args.has("slowest")) {
    slowest.sort((a, b) => b[0] - a[0]);
    for (const [ms, q] of slowest.slice(0, 12)) {
      console.log(`  ${ms.toFixed(1)} ms  ${q}`);
    }
  }
  const scans: number[] = [];
  for (const q of queries.slice(0, SCANS)) {
    const query = parseSearch({ q });
    // The index's answer as a user gets it: pages (a request may stop at
    // its scan budget with a cursor) until `limit` results or the end.
    const ids: string[] = [];
    let cursor = "";
    do {
      const page = await searchMessages(
        kv,
        USER,
        parseSearch({ q, cursor }),
      );
      ids.push(...page.results.map((r) => r.message.id));
      cursor = page.cursor;
    } while (cursor && ids.length < query.limit);
    const scan = await fullScanSearch(kv, USER, query);
    const same = JSON.stringify(ids.slice(0, query.limit)) ===
      JSON.stringify(scan.map((r) => r.message.id));
    if (!same) throw new Error(`results differ for ${q}`);
    scans.push(await time(() => fullScanSearch(kv, USER, query)));
  }
  const o = stats(ours);
  const s = stats(scans);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  console.log("by kind of query (ours):");
  byKind.forEach((xs, k) => {
    const st = stats(xs);
    console.log(
      `  ${KIND_NAMES[k].padEnd(28)} ${
        String(xs.length).padStart(3)
      } queries: p50 ${f(st.p50)}, p95 ${f(st.p95)}, max ${f(st.max)}`,
    );
  });
  console.log(
    `search (index), ${QUERIES} queries, ${hits} results, ${budgeted} stopped at the scan budget: p50 ${
      f(o.p50)
    }, p95 ${f(o.p95)}, max ${f(o.max)}`,
  );
  console.log(
    `full scan, ${SCANS} queries (same results checked): p50 ${f(s.p50)}, p95 ${
      f(s.p95)
    }, max ${f(s.max)}`,
  );
  console.log(
    `ratio (full scan p50 / index p50): ${(s.p50 / o.p50).toFixed(0)}x`,
  );
  console.log(
    `ROW message search, ${MESSAGES.toLocaleString("en")} messages | ours p50 ${
      f(o.p50)
    }, p95 ${f(o.p95)}, p99 ${
      f(o.p99)
    } (${budgeted} of ${QUERIES} requests stopped at the 1,000-candidate budget) | reference full scan p50 ${
      f(s.p50)
    } | ratio ${(s.p50 / o.p50).toFixed(0)}x (p50) | target p95 <= 50 ms`,
  );
}
