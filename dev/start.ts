/**
 * `deno task start`: runs main.ts with narrow permissions. Write (and read)
 * access is granted to `./data` and to the folder of `KV_PATH` when the KV
 * file lives elsewhere; nothing else is writable.
 * @module
 */

/** The folder a KV file lives in, or undefined for `:memory:`/unset. */
export function kvFolder(kvPath: string | undefined): string | undefined {
  if (!kvPath || kvPath === ":memory:") return undefined;
  const i = Math.max(kvPath.lastIndexOf("/"), kvPath.lastIndexOf("\\"));
  return i < 0 ? "." : i === 0 ? "/" : kvPath.slice(0, i);
}

/** The `deno run` arguments for the server, given the environment. */
export function serverArgs(env: Record<string, string | undefined>): string[] {
  const folders = ["./data"];
  const kv = kvFolder(env.KV_PATH);
  if (kv && kv !== "./data" && kv !== "data") folders.push(kv);
  return [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-sys=hostname,osRelease,networkInterfaces",
    `--allow-read=.,/proc/self/limits,${folders.slice(1).join(",")}`.replace(
      /,$/,
      "",
    ),
    `--allow-write=${folders.join(",")}`,
    "main.ts",
  ];
}

if (import.meta.main) {
  const child = new Deno.Command("deno", {
    args: serverArgs({ KV_PATH: Deno.env.get("KV_PATH") }),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    });
  }
  const status = await child.status;
  Deno.exit(status.code);
}
