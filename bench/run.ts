/**
 * `deno task bench`: runs every benchmark in this folder, one after another.
 * @module
 */
const here = new URL(".", import.meta.url).pathname;
const only = Deno.args[0];
const files = (await Array.fromAsync(Deno.readDir(here)))
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && n !== "run.ts" && !n.startsWith("_"))
  .filter((n) => !only || n.includes(only))
  .sort();
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${here}${file}`],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) Deno.exit(code);
}
