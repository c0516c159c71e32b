/**
 * Contacts benchmark: CSV import throughput and memory over the real HTTP
 * endpoint, and search latency, each next to a reference measured in the
 * same run on the same machine.
 *
 *   deno task bench contacts                 # 100,000 rows (1–2 minutes)
 *   deno run -A bench/contacts.ts --full     # the same, named as in issue 13
 *   deno run -A bench/contacts.ts --rows=20000 --queries=200 --naive-queries=5
 *
 * Import: ours = `POST /api/contacts/import` of the whole CSV to the real
 * server (`deno run main.ts --dev` as a separate process on a fresh KV
 * file), timed from sending the body to the report; the server's peak RSS
 * is its VmHWM in /proc. Reference = raw KV sets of one contact-sized record
 * per row in batches of 500 into a fresh KV file of this process (the
 * disk's ceiling for writes that need no secondary keys).
 * Search: ours = `listContacts` with `q` (page of 50) on the book the import
 * wrote (opened after the server stopped), the queries in a row as one
 * instance serves them; cold = the same with no index piece cached;
 * reference = a full scan of that book per query, filtering and sorting in
 * memory.
 * Prints `ROW contacts import …` and `ROW contacts search …` summary lines.
 * @module
 */
import { listContacts } from "../lib/contacts/search.ts";
import { clearIndexCache } from "../lib/contacts/search_index.ts";
import { tokenize } from "../lib/contacts/keys.ts";
import type { Contact } from "../lib/contacts/model.ts";
import { Client } from "../tests/helpers/client.ts";
import { spawnApp } from "../tests/helpers/process.ts";
import { contactRecord } from "./_contact_record.ts";

const args = new Map(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "1"] as const;
}));
const ROWS = Number(args.get("rows") ?? 100_000);
const QUERIES = Number(args.get("queries") ?? 200);
const NAIVE_QUERIES = Number(args.get("naive-queries") ?? 5);

// Deterministic data (xorshift) so runs compare.
let seed = 0x2545f491;
const rnd = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
const FIRST =
  "Ana Bob Carla Dan Emma Finn Gus Hana Ivy Jack Karl Lena Mia Noah Olga Pia Quinn Rosa Sam Tara Uma Vik Wen Xia Yara Zoe José Zoë Åsa Øyvind"
    .split(" ");
const LAST =
  "Lima Stone Broken Phone Zola Gallagher Grant Sato Chen Brown Long Wong Berg Novak Silva Rossi Müller Schmidt Kowalski Nguyen Okafor Haddad Ivanova Tanaka"
    .split(" ");
const CO =
  "Acme Globex Initech Umbrella Hooli Stark Wayne Tyrell Cyberdyne Soylent Aperture Vandelay"
    .split(" ");

function generateCsv(n: number): string {
  const lines = ["name,email,phone,company,groups"];
  for (let i = 0; i < n; i++) {
    const f = pick(FIRST);
    const l = pick(LAST);
    const c = pick(CO);
    const phone = `+1 ${200 + Math.floor(rnd() * 700)} 555 ${
      String(i % 10000).padStart(4, "0")
    }`;
    lines.push(
      `${f} ${l},${f.toLowerCase()}.${l.toLowerCase()}.${i}@${c.toLowerCase()}.example,${phone},${c},${
        pick(["Clients", "Team", "Friends", ""])
      }`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Baseline search: read every contact, filter by prefix words, sort, take 50. */
async function naiveSearch(kv: Deno.Kv, owner: string, q: string) {
  const words = tokenize(q);
  const out: Contact[] = [];
  for await (const e of kv.list<Contact>({ prefix: ["contact", owner] })) {
    const c = e.value;
    const tokens = tokenize(
      [c.name, c.email, c.company ?? "", c.phone ?? ""].join(" "),
    );
    if (words.every((w) => tokens.some((t) => t.startsWith(w)))) out.push(c);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name)).slice(0, 50);
}

function percentile(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function queries(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const word = kind === 0
      ? pick(FIRST)
      : kind === 1
      ? pick(LAST)
      : kind === 2
      ? pick(CO)
      : `${pick(FIRST)} ${pick(LAST).slice(0, 2)}`;
    out.push(kind === 3 ? word : word.slice(0, 2 + Math.floor(rnd() * 3)));
  }
  return out;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

/** Reference: raw KV sets of one contact-sized record, batches of 500. */
async function rawSets(path: string, n: number): Promise<number> {
  const kv = await Deno.openKv(path);
  const rec = contactRecord();
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(n, i + 500); j++) {
      op.set(["raw", String(j).padStart(26, "0")], rec);
    }
    await op.commit();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  kv.close();
  return rate;
}

/** Peak resident set size of a process, in bytes (VmHWM). */
async function peakRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

const fmt = (x: number) => Math.round(x).toLocaleString("en");
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const dir = await Deno.makeTempDir({ prefix: "rt-bench-contacts-" });
try {
  const csv = generateCsv(ROWS);
  console.log(
    `contacts bench: ${fmt(ROWS)} rows (${
      (csv.length / 1e6).toFixed(1)
    } MB CSV), KV files in ${dir}`,
  );
  const app = await spawnApp({ KV_PATH: `${dir}/app.kv` });
  let oursMs: number, rss: number;
  try {
    const client = await new Client(app.url).signup();
    const rssBefore = await peakRss(app.pid);
    const t0 = performance.now();
    const res = await client.fetch("/api/contacts/import", {
      method: "POST",
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    const report = await res.json();
    oursMs = performance.now() - t0;
    rss = await peakRss(app.pid);
    if (res.status !== 200 || report.imported !== ROWS) {
      throw new Error(
        `import answered ${res.status}: ${
          JSON.stringify(report).slice(0, 300)
        }`,
      );
    }
    console.log(
      `server peak RSS before the import ${mb(rssBefore)}, after ${mb(rss)}`,
    );
  } finally {
    await app.stop();
  }
  const oursRate = ROWS / (oursMs / 1000);
  const rawRate = await rawSets(`${dir}/raw.kv`, ROWS);
  console.log(
    `import   ours ${fmt(oursRate)} rows/s (${
      (oursMs / 1000).toFixed(1)
    } s, server peak RSS ${
      mb(rss)
    })   raw KV sets of one record per row, batches of 500: ${
      fmt(rawRate)
    } sets/s`,
  );
  console.log(
    `ROW contacts import, ${
      fmt(ROWS)
    }-row CSV over POST /api/contacts/import | ours ${
      fmt(oursRate)
    } rows/s, server peak RSS ${
      mb(rss)
    } | reference raw KV sets (one record per row, batches of 500) ${
      fmt(rawRate)
    } sets/s | ratio ${
      (oursRate / rawRate).toFixed(2)
    }x | target >= 10,000 rows/s at 100,000 rows, peak RSS <= 300 MB`,
  );

  const kv = await Deno.openKv(`${dir}/app.kv`);
  try {
    const first = await Array.fromAsync(
      kv.list({ prefix: ["contact"] }, { limit: 1 }),
    );
    const owner = first[0].key[1] as string;
    const qs = queries(QUERIES);
    for (const q of queries(10)) {
      await listContacts(kv, owner, { q, limit: 50 }); // warm-up (JIT)
    }
    // Cold: nothing of the index in memory, every piece read from KV.
    const cold: number[] = [];
    for (const q of qs) {
      clearIndexCache(kv);
      const [ms] = await time(() => listContacts(kv, owner, { q, limit: 50 }));
      cold.push(ms);
    }
    // Ours: the queries in a row from an empty cache, as one instance
    // serves them (pieces read under the current book revision are reused).
    clearIndexCache(kv);
    const ours: number[] = [];
    let hits = 0;
    for (const q of qs) {
      const [ms, page] = await time(() =>
        listContacts(kv, owner, { q, limit: 50 })
      );
      ours.push(ms);
      hits += page.contacts.length;
    }
    const naive: number[] = [];
    for (const q of qs.slice(0, NAIVE_QUERIES)) {
      const [ms] = await time(() => naiveSearch(kv, owner, q));
      naive.push(ms);
    }
    const f = (x: number) => `${x.toFixed(1)} ms`;
    const p = (xs: number[], n: number) => percentile(xs, n);
    console.log(
      `search   ours p50 ${f(p(ours, 50))} p95 ${f(p(ours, 95))} p99 ${
        f(p(ours, 99))
      } (${qs.length} queries, ${
        (hits / qs.length).toFixed(0)
      } hits/page)   cold (no cached pieces) p50 ${f(p(cold, 50))} p95 ${
        f(p(cold, 95))
      } p99 ${f(p(cold, 99))}   full scan p50 ${f(p(naive, 50))} p95 ${
        f(p(naive, 95))
      } (${naive.length} queries)`,
    );
    console.log(
      `ROW contacts search at ${
        fmt(ROWS)
      } contacts (1-3 words, prefixes) | ours p50 ${f(p(ours, 50))}, p95 ${
        f(p(ours, 95))
      }, p99 ${f(p(ours, 99))} (cold, every piece read: p95 ${
        f(p(cold, 95))
      }, p99 ${f(p(cold, 99))}) | reference full scan p50 ${
        f(p(naive, 50))
      }, p95 ${f(p(naive, 95))} | ratio p95 ${
        (p(naive, 95) / p(ours, 95)).toFixed(0)
      }x | target p95 <= 30 ms, p99 <= 60 ms at 100,000`,
    );
  } finally {
    kv.close();
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
