/**
 * Contacts benchmark: CSV import throughput and search latency, each next
 * to a naive baseline measured in the same run on the same data.
 *
 *   deno run -A bench/contacts.ts            # 5,000 rows (quick)
 *   deno run -A bench/contacts.ts --full     # 100,000 rows
 *   deno run -A bench/contacts.ts --rows=50000 --queries=200
 *   deno run -A bench/contacts.ts --naive    # also one commit per row (slow)
 *
 * Import: ours = `importContacts` (batches sized by KV's limits, pipelined
 * with their commits); reference = raw KV sets of one contact-sized record
 * per row in batches of 500 (the disk's ceiling in this run); with --naive
 * also the same writes with one KV commit per row.
 * Search: ours = prefix index (`listContacts` with `q`); baseline = a full
 * scan of the book per query, filtering and sorting in memory.
 * Both books live in one temporary KV file (removed at the end).
 */
import { parseContactsCsv } from "../lib/contacts/csv.ts";
import { importContacts } from "../lib/contacts/import.ts";
import { BookWrite, type StoredContact } from "../lib/contacts/book_write.ts";
import { contactKey, emailKey, tokenize } from "../lib/contacts/keys.ts";
import {
  type Contact,
  normalizeEmail,
  validateContact,
} from "../lib/contacts/model.ts";
import { listContacts } from "../lib/contacts/search.ts";
import { newId } from "../lib/ids.ts";

const args = new Map(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "1"] as const;
}));
const ROWS = Number(args.get("rows") ?? (args.has("full") ? 100_000 : 5_000));
const QUERIES = Number(args.get("queries") ?? 100);
const NAIVE_QUERIES = Number(args.get("naive-queries") ?? 20);

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

/** Baseline import: same rows and index entries, one commit per row. */
async function naiveImport(kv: Deno.Kv, owner: string, text: string) {
  const { rows } = parseContactsCsv(text);
  let imported = 0;
  for (const row of rows) {
    const data = validateContact({ ...row.contact, groups: [] });
    const key = emailKey(owner, normalizeEmail(data.email));
    const hit = await kv.get<string>(key);
    const now = new Date().toISOString();
    const before = hit.value
      ? (await kv.get<StoredContact>(contactKey(owner, hit.value))).value
      : null;
    const after: Contact = {
      id: before?.id ?? newId(),
      ...data,
      createdAt: now,
      updatedAt: now,
    };
    const op = kv.atomic().check(hit);
    const write = new BookWrite(kv, owner);
    write.change(before, after);
    await write.stage(op);
    if ((await op.commit()).ok) imported++;
  }
  return imported;
}

/** Reference: raw KV sets of one contact-sized record, batches of 500. */
async function rawSets(kv: Deno.Kv, n: number): Promise<number> {
  const rec = {
    id: "01J0000000000000000000000",
    name: "Ana Lima",
    email: "ana.lima.1@acme.example",
    emails: [{ label: "", value: "ana.lima.1@acme.example" }],
    phone: "+1 234 555 0001",
    phones: [{ label: "", value: "+1 234 555 0001" }],
    company: "Acme",
    groups: [],
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(n, i + 500); j++) {
      op.set(["raw", String(j).padStart(26, "0")], rec);
    }
    await op.commit();
  }
  return n / ((performance.now() - t0) / 1000);
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

const dir = await Deno.makeTempDir({ prefix: "rt-bench-contacts-" });
const kv = await Deno.openKv(`${dir}/bench.kv`);
try {
  const csv = generateCsv(ROWS);
  console.log(
    `contacts bench: ${ROWS.toLocaleString("en")} rows (${
      (csv.length / 1e6).toFixed(1)
    } MB CSV), KV file in ${dir}`,
  );
  let peakRss = Deno.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  }, 100);
  const [oursMs, report] = await time(() =>
    importContacts(kv, "ours", csv, "csv")
  );
  if (report.imported !== ROWS) {
    throw new Error(
      `imported ${report.imported} of ${ROWS}: ${
        JSON.stringify(report.errors.slice(0, 3))
      }`,
    );
  }
  clearInterval(sampler);
  const oursRate = ROWS / (oursMs / 1000);
  const rawRate = await rawSets(kv, Math.min(ROWS, 50_000));
  console.log(
    `import   ours ${oursRate.toFixed(0).padStart(8)} rows/s (${
      (oursMs / 1000).toFixed(1)
    } s, peak RSS ${
      (peakRss / 2 ** 20).toFixed(0)
    } MB)   raw KV sets of one record per row, batches of 500: ${
      rawRate.toFixed(0)
    } sets/s   ratio ${(oursRate / rawRate).toFixed(2)}x`,
  );
  if (args.has("naive")) {
    const [naiveMs, n] = await time(() => naiveImport(kv, "naive", csv));
    if (n !== ROWS) throw new Error(`naive imported ${n}`);
    const naiveRate = ROWS / (naiveMs / 1000);
    console.log(
      `import   naive one-commit-per-row ${
        naiveRate.toFixed(0)
      } rows/s   ratio ${(oursRate / naiveRate).toFixed(1)}x`,
    );
  } else await naiveImport(kv, "naive", generateCsv(2000));

  const qs = queries(QUERIES);
  const ours: number[] = [];
  let hits = 0;
  for (const q of qs) {
    const [ms, page] = await time(() =>
      listContacts(kv, "ours", { q, limit: 50 })
    );
    ours.push(ms);
    hits += page.contacts.length;
  }
  const naive: number[] = [];
  for (const q of qs.slice(0, NAIVE_QUERIES)) {
    const [ms] = await time(() => naiveSearch(kv, "naive", q));
    naive.push(ms);
  }
  const f = (x: number) => `${x.toFixed(2)} ms`;
  console.log(
    `search   ours p50 ${f(percentile(ours, 50))} p95 ${
      f(percentile(ours, 95))
    } p99 ${f(percentile(ours, 99))} (${qs.length} queries, ${
      (hits / qs.length).toFixed(0)
    } hits/page)   naive full scan p50 ${f(percentile(naive, 50))} p95 ${
      f(percentile(naive, 95))
    } (${naive.length} queries)   ratio p50 ${
      (percentile(naive, 50) / percentile(ours, 50)).toFixed(0)
    }x p95 ${(percentile(naive, 95) / percentile(ours, 95)).toFixed(0)}x`,
  );
} finally {
  kv.close();
  await Deno.remove(dir, { recursive: true });
}
