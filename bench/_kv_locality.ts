/**
 * Why contacts import speed depends on key order: writes 50,000
 * contact-shaped entries to a fresh KV file in atomics of ~900 mutations,
 * three ways, and prints contacts/s for each:
 *
 * - `rec`:  the record only (`["contact", owner, id]`, ids in order);
 * - `seq`:  record + email + sort + group keys, all in write order;
 * - `rand`: the same four keys, the last three at random places.
 *
 *   deno run -A bench/_kv_locality.ts
 *
 * Not part of `deno task bench` (the leading `_`); figures in
 * docs/PERFORMANCE.md ("What limits the contacts import").
 * @module
 */
import { contactRecord } from "./_contact_record.ts";

const N = 50_000;
const rec = {
  ...contactRecord(["01J0000000000000000000000"]),
  _ix: "01J0000000000000000000000",
};
const owner = "01J00000000000000000000000";
const rnd = () => Math.random().toString(36).slice(2, 12);

async function run(mode: "rec" | "seq" | "rand"): Promise<number> {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(`${dir}/x.kv`);
  const per = mode === "rec" ? 900 : 225;
  const t0 = performance.now();
  for (let i = 0; i < N; i += per) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(N, i + per); j++) {
      const id = String(j).padStart(26, "0");
      op.set(["contact", owner, id], rec);
      if (mode === "rec") continue;
      const r = mode === "seq" ? id : rnd();
      op.set(["contact_email", owner, r + "@acme.example"], id);
      op.set(["contact_sorted", owner, r, id], 1);
      op.set(["contact_group", owner, "g", r, id], 1);
    }
    await op.commit();
  }
  const rate = N / ((performance.now() - t0) / 1000);
  kv.close();
  await Deno.remove(dir, { recursive: true });
  return rate;
}

for (const mode of ["rec", "seq", "rand"] as const) {
  console.log(`${mode.padEnd(4)} ${Math.round(await run(mode))} contacts/s`);
}
