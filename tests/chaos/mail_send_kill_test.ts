/**
 * Chaos: a real server process is SIGKILLed at named points inside
 * `POST /api/campaigns/:id/send` (reached through the test-only hook of
 * `lib/test_point.ts`), restarted on the same KV file, and the campaign is
 * sent (again, if it was still a draft): every recipient is mailed exactly
 * once, counted at a real SMTP server (issue 14 item 2).
 */
import { assertEquals } from "../helpers/assert.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { signedInClient } from "../helpers/client.ts";
import { waitCampaign } from "../helpers/mail.ts";
import { PROJECT_ROOT } from "../../lib/app.ts";
import { freePort } from "../helpers/process.ts";

const N = 650; // three ledger batches of 300

interface Proc {
  child: Deno.ChildProcess;
  /** Resolves with the stderr/stdout line that includes `text`. */
  waitFor(text: string): Promise<void>;
}

function spawnApp(
  kvPath: string,
  smtp: TestSmtp,
  port: number,
  pauseAt?: string,
): Proc {
  const env: Record<string, string> = {
    KV_PATH: kvPath,
    SMTP_URL: smtp.url,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    APP_URL: `http://127.0.0.1:${port}`,
    SIGNUP_POLICY: "open",
    MAIL_LEASE_SECONDS: "1",
    MAIL_FROM: "Chaos <no-reply@chaos.test>",
  };
  if (pauseAt) {
    Object.assign(env, { RT_TEST_HOOKS: "1", RT_TEST_PAUSE_AT: pauseAt });
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--dev"],
    cwd: PROJECT_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let seen = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const bytes of stream) {
      seen += dec.decode(bytes, { stream: true });
      for (const w of waiters.splice(0)) {
        if (seen.includes(w.text)) w.resolve();
        else waiters.push(w);
      }
    }
  };
  pump(child.stdout).catch(() => {});
  pump(child.stderr).catch(() => {});
  return {
    child,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (seen.includes(text)) return resolve();
        const t = setTimeout(
          () => reject(new Error(`never saw "${text}"; output:\n${seen}`)),
          120_000,
        );
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      }),
  };
}

for (
  const point of [
    "send:claimed",
    "send:ledger_batch",
    "send:before_commit",
    "send:committed",
  ]
) {
  Deno.test(`mail chaos: SIGKILL at ${point} inside POST /send, restart, send again if still a draft → every recipient mailed exactly once`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "rt_chaos_" });
    const smtp = await startSmtp({ parse: false });
    const port = freePort();
    let proc = spawnApp(`${dir}/kv`, smtp, port, point);
    try {
      await proc.waitFor("listening on");
      const client = await signedInClient(`http://127.0.0.1:${port}`);
      const to = Array.from({ length: N }, (_, i) => `k${i}@chaos.test`);
      const d = await client.json<{ id: string }>("/api/campaigns", {
        json: { subject: "Chaos", text: "x", to: { emails: to } },
      });
      assertEquals(d.status, 201);
      const pending = client.fetch(`/api/campaigns/${d.body.id}/send`, {
        method: "POST",
      }).catch(() => null); // the process dies under it
      await proc.waitFor(`test point reached: ${point}`);
      proc.child.kill("SIGKILL");
      assertEquals((await proc.child.status).signal, "SIGKILL");
      await pending;

      proc = spawnApp(`${dir}/kv`, smtp, port);
      await proc.waitFor("listening on");
      const now = await client.json<{ status: string }>(
        `/api/campaigns/${d.body.id}`,
      );
      if (now.body.status === "draft") {
        const again = await client.json(`/api/campaigns/${d.body.id}/send`, {
          method: "POST",
        });
        assertEquals(again.status, 202);
      }
      const p = await waitCampaign(
        client,
        d.body.id,
        (p) => p.status === "done",
      );
      assertEquals([p.sent, p.failed, p.pending], [N, 0, 0]);
      assertEquals(smtp.mails.length, N);
      for (const e of to) assertEquals(smtp.countFor(e), 1, e);
    } finally {
      try {
        proc.child.kill("SIGKILL");
      } catch { /* already gone */ }
      await proc.child.status;
      await smtp.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  });
}
