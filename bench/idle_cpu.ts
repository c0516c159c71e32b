/**
 * Idle CPU of a real server process (issue 9 item 13): starts `main.ts` on a
 * fresh KV file with no user connected, waits for start-up to settle, then
 * reads the process's CPU time (utime + stime from /proc) over a window.
 * Linux only. Run: `deno run -A bench/idle_cpu.ts [seconds]`.
 * @module
 */
const seconds = Number(Deno.args[0] ?? 20);
const dir = await Deno.makeTempDir({ prefix: "rt_idle_" });
const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = (l.addr as Deno.NetAddr).port;
l.close();
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "main.ts", "--dev"],
  cwd: new URL("..", import.meta.url).pathname,
  env: { KV_PATH: `${dir}/kv`, PORT: String(port) },
  stdout: "null",
  stderr: "null",
}).spawn();

const ticks = Number(
  new TextDecoder().decode(
    (await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output()).stdout,
  ).trim(),
) || 100;
async function cpuSeconds(): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / ticks; // utime + stime
}
for (let i = 0; i < 300; i++) {
  try {
    await (await fetch(`http://127.0.0.1:${port}/healthz`)).body?.cancel();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}
await new Promise((r) => setTimeout(r, 3000)); // let start-up settle
const before = await cpuSeconds();
await new Promise((r) => setTimeout(r, seconds * 1000));
const used = (await cpuSeconds()) - before;
child.kill("SIGKILL");
await child.status;
await Deno.remove(dir, { recursive: true });
console.log(
  `idle server: ${used.toFixed(2)} s CPU in ${seconds} s = ${
    (100 * used / seconds).toFixed(2)
  } % of one core`,
);
