/**
 * Start-up time: from spawning the server process to the first 200 on
 * `/healthz`, with the build step (`deno task build`, then serving the
 * prebuilt assets, as `deno task start` does) and without it (`--dev`:
 * islands bundled in memory at start). Fresh KV file each run.
 *
 * The reference in the same run: a bare `Deno.serve` answering 200 on
 * `/healthz` (the runtime's own start-up floor).
 *
 *   deno run -A bench/startup.ts [--runs=3]
 */
const args = new Map(Deno.args.map((a) => {
  const [k, v] = a.replace(/^--/, "").split("=");
  return [k, v ?? "1"] as const;
}));
const RUNS = Number(args.get("runs") ?? 3);
const root = new URL("..", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** Milliseconds from spawn to the first 200 on /healthz. */
async function timeToHealthy(cmd: string[], build: boolean): Promise<number> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "rt-bench-startup-" });
  const t0 = performance.now();
  if (build) {
    const b = await new Deno.Command(Deno.execPath(), {
      args: ["task", "build"],
      cwd: root,
      stdout: "null",
      stderr: "null",
    }).output();
    if (!b.success) throw new Error("build failed");
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: cmd,
    cwd: root,
    env: {
      PORT: String(port),
      KV_PATH: `${dir}/kv.sqlite`,
      HOSTNAME: "127.0.0.1",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - t0;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 10));
      if (performance.now() - t0 > 120_000) throw new Error("no 200 in 120 s");
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const main = ["run", "-A", "main.ts"];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const withBuild: number[] = [];
const prebuilt: number[] = [];
const dev: number[] = [];
const bare: number[] = [];
const bareFile = await Deno.makeTempFile({ suffix: ".ts" });
await Deno.writeTextFile(
  bareFile,
  `Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")) },
    () => new Response("ok"));`,
);
try {
  for (let i = 0; i < RUNS; i++) {
    withBuild.push(await timeToHealthy(main, true));
    prebuilt.push(await timeToHealthy(main, false));
    dev.push(await timeToHealthy([...main, "--dev"], false));
    bare.push(await timeToHealthy(["run", "-A", bareFile], false));
  }
} finally {
  await Deno.remove(bareFile).catch(() => {});
}
const f = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms (${
    xs.map((x) => x.toFixed(0)).join(", ")
  })`;
console.log(`startup to first 200 on /healthz, ${RUNS} runs each`);
console.log(`  build step + start (prebuilt assets): ${f(withBuild)}`);
console.log(`  start only, assets already built:     ${f(prebuilt)}`);
console.log(`  start with --dev (bundle at start):   ${f(dev)}`);
console.log(`  reference, bare Deno.serve:           ${f(bare)}`);
console.log(
  `ROW start-up to first 200 on /healthz | ours ${
    median(prebuilt).toFixed(0)
  } ms start only, ${median(withBuild).toFixed(0)} ms with build, ${
    median(dev).toFixed(0)
  } ms --dev | reference bare Deno.serve ${
    median(bare).toFixed(0)
  } ms | ratio ${
    (median(prebuilt) / median(bare)).toFixed(1)
  }x (start only) | target: measured, kept in the table`,
);
