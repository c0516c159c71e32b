/**
 * `deno task bench`: runs every benchmark in this folder, one after another,
 * then prints the summary rows (`ROW …` lines: ours, reference, ratio,
 * target) of the whole run together.
 *
 *   deno task bench                 # every bench, default sizes
 *   deno task bench chat_fanout     # just the benches whose file name matches
 *   deno task bench mail,memory     # several (comma-separated)
 *   deno task bench -- --full       # flags are passed to every bench
 * @module
 */
const here = new URL(".", import.meta.url).pathname;
const only = Deno.args.find((a) => !a.startsWith("--"))?.split(",");
const flags = Deno.args.filter((a) => a.startsWith("--"));
const files = (await Array.fromAsync(Deno.readDir(here)))
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && n !== "run.ts" && !n.startsWith("_"))
  .filter((n) => !only || only.some((o) => n.includes(o)))
  .sort();
const rows: string[] = [];
const started = new Date();
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${here}${file}`, ...flags],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // Echo the bench's output as it comes, keeping its ROW lines.
  let rest = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    const lines = (rest + dec.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    rows.push(...lines.filter((l) => l.startsWith("ROW ")));
  }
  if (rest.startsWith("ROW ")) rows.push(rest);
  const { code } = await child.status;
  if (code !== 0) {
    console.error(`bench/${file} failed (exit ${code})`);
    Deno.exit(code);
  }
}
console.log(
  `\n=== summary (${started.toISOString()}, load average ${loadAverage()})`,
);
console.log("what | ours | reference | ratio | target");
for (const row of rows) console.log(row.slice(4));

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "unknown";
  }
}
