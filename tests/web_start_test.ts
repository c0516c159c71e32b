import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { kvFolder, serverArgs } from "../dev/start.ts";
import { ensureBuild, freePort } from "./helpers/process.ts";

async function waitHealthy(url: string, child: Deno.ChildProcess) {
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 600 && !exited; i++) {
    try {
      const res = await fetch(url + "/healthz");
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not answer /healthz");
}

Deno.test("start: the KV file's folder gets write access, and only it besides ./data", () => {
  assertEquals(kvFolder("/srv/rt/rt.kv"), "/srv/rt");
  assertEquals(kvFolder("rt.kv"), ".");
  assertEquals(kvFolder(":memory:"), undefined);
  const args = serverArgs({ KV_PATH: "/srv/rt/rt.kv" });
  assert(args.includes("--allow-write=./data,/srv/rt"), args.join(" "));
  assert(
    args.includes("--allow-read=.,/proc/self/limits,/srv/rt"),
    args.join(" "),
  );
  const plain = serverArgs({});
  assert(plain.includes("--allow-write=./data"), plain.join(" "));
  assert(!plain.some((a) => a === "--allow-all" || a === "-A"));
});

Deno.test("start: `deno task start`'s launcher runs the server with a KV_PATH outside ./data", async () => {
  await ensureBuild();
  const dir = await Deno.makeTempDir();
  const port = freePort();
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-env=KV_PATH", "--allow-run=deno", "dev/start.ts"],
    cwd: PROJECT_ROOT,
    env: {
      KV_PATH: `${dir}/nested/rt.kv`,
      PORT: String(port),
      SIGNUP_POLICY: "open",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, child);
    assert((await Deno.stat(`${dir}/nested/rt.kv`)).isFile);
  } finally {
    child.kill("SIGTERM");
    await child.stderr.cancel();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("start: without write access to the KV folder the server stops with one clear line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command("deno", {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-sys=hostname,osRelease,networkInterfaces",
        "--allow-read=.",
        "--allow-write=./data",
        "main.ts",
      ],
      cwd: PROJECT_ROOT,
      env: { KV_PATH: `${dir}/rt.kv`, PORT: String(freePort()) },
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    assertEquals(out.code, 1);
    assertEquals(err.split("\n").length, 1, err);
    assertStringIncludes(err, "deno task start");
    assertStringIncludes(err, `${dir}/rt.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
