/**
 * Test harness: the real app as a separate process (`deno run main.ts`),
 * on a chosen free port, with its own environment.
 * @module
 */
import { PROJECT_ROOT } from "../../lib/app.ts";
import { freePort } from "./redis.ts";

/** A spawned app process. */
export interface AppProcess {
  url: string;
  /** Process id (for /proc readings such as peak RSS). */
  pid: number;
  /** Everything it printed on stderr so far (for failure messages). */
  stderr(): string;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /** Waits until `pred(stdout)` holds (fails after ~30 s). */
  until(pred: (stdout: string) => boolean): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** How long an app may take to answer `/healthz` after spawning. */
const START_TIMEOUT_MS = 180_000;

/**
 * Starts `deno run -A main.ts --dev` with `env` (KV_PATH, FANOUT, ...) and
 * waits until it answers `/healthz`. Sign-up is open (`SIGNUP_POLICY=open`).
 */
export async function spawnApp(
  env: Record<string, string>,
): Promise<AppProcess> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--dev"],
    cwd: PROJECT_ROOT,
    env: {
      PORT: String(port),
      APP_URL: url,
      SIGNUP_POLICY: "open",
      SIGNUPS_PER_IP_PER_HOUR: "100000",
      LOGIN_FAILURES_PER_IP: "100000",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "", out = "";
  const reading = Promise.all([
    (async () => {
      const dec = new TextDecoder();
      for await (const chunk of child.stderr) err += dec.decode(chunk);
    })(),
    (async () => {
      const dec = new TextDecoder();
      for await (const chunk of child.stdout) out += dec.decode(chunk);
    })(),
  ]);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    await child.status;
    await reading;
  };
  // `--dev` bundles the islands at start: seconds on a busy machine, so the
  // wait is long (a readiness wait, not a timing assertion); an app that
  // exits is reported at once.
  let exited: Deno.CommandStatus | undefined;
  child.status.then((s) => exited = s);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not yet */ }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `app on ${port} did not start (${
          exited ? `exited with ${exited.code}` : "no /healthz 200"
        }):\n${err}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url,
    pid: child.pid,
    stderr: () => err,
    stdout: () => out,
    async until(pred) {
      for (let i = 0; !pred(out); i++) {
        if (i > 1500) throw new Error(`never printed the line:\n${out}${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop,
  };
}

export { freePort };

/** Runs `deno task build` once when the prebuilt assets are missing. */
export async function ensureBuild(): Promise<void> {
  try {
    await Deno.stat(`${PROJECT_ROOT}/_build/manifest.json`);
  } catch {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "build"],
      cwd: PROJECT_ROOT,
    }).output();
    if (!out.success) throw new Error("deno task build failed");
  }
}
