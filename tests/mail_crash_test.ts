import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { progressOf } from "../lib/mail/campaign_progress.ts";
import { createDraft } from "../lib/mail/campaigns.ts";
import { startSending } from "../lib/mail/ledger.ts";
import { type Campaign, keys } from "../lib/mail/model.ts";
import { retryLocked } from "../lib/kv.ts";
import { PROJECT_ROOT } from "../lib/app.ts";

const N = 2000;
const CONCURRENCY = 5;

function spawnApp(kvPath: string, smtpUrl: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--dev"],
    cwd: PROJECT_ROOT,
    env: {
      KV_PATH: kvPath,
      SIGNUP_POLICY: "open",
      SMTP_URL: smtpUrl,
      PORT: "0",
      MAIL_CONCURRENCY: String(CONCURRENCY),
      // A killed process's leases run out quickly, so the restart takes over soon.
      MAIL_LEASE_SECONDS: "1",
      MAIL_FROM: "Crash <no-reply@crash.test>",
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function until(pred: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 3000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("mail crash: SIGKILL in the middle of a 2,000-recipient campaign, restart; every recipient gets its mail, duplicates ≤ concurrency", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_mail_crash_" });
  const kvPath = `${dir}/crash.kv`;
  const smtp = await startSmtp({ parse: false });
  const emails = Array.from({ length: N }, (_, i) => `r${i}@crash.test`);
  let id = "";
  {
    const kv = await Deno.openKv(kvPath);
    const draft = await createDraft(kv, {
      id: "crasher-id",
      username: "crasher",
    }, {
      subject: "Crash {{email}}",
      text: "Hello {{email}}",
      to: { emails },
    });
    id = draft.campaign.id;
    await startSending(kv, "crasher", id, N);
    kv.close();
  }
  let child: Deno.ChildProcess | undefined;
  try {
    child = spawnApp(kvPath, smtp.url);
    await until(() => smtp.mails.length >= N / 4, "a quarter of the mails");
    child.kill("SIGKILL");
    const status = await child.status;
    assertEquals(status.signal, "SIGKILL");
    const atKill = smtp.mails.length;
    assert(atKill < N, `the campaign finished before the kill (${atKill})`);

    child = spawnApp(kvPath, smtp.url);
    await until(
      () => emails.every((e) => smtp.countFor(e) > 0),
      "every recipient",
    );
    const kv = await Deno.openKv(kvPath);
    try {
      await until(async () => {
        const c = await retryLocked(() => kv.get<Campaign>(keys.campaign(id)));
        return c.value?.status === "done";
      }, "the campaign to be done");
      const c = (await retryLocked(() => kv.get<Campaign>(keys.campaign(id))))
        .value!;
      const p = await retryLocked(() => progressOf(kv, c));
      assertEquals([p.sent, p.failed, p.pending], [N, 0, 0]);
    } finally {
      kv.close();
    }
    child.kill("SIGTERM");
    await child.status;
    child = undefined;
    const duplicates = emails.reduce((n, e) => n + smtp.countFor(e) - 1, 0);
    const missing = emails.filter((e) => smtp.countFor(e) === 0).length;
    console.log(
      `crash test: killed after ${atKill} mails; ${smtp.mails.length} mails for ${N} recipients, ` +
        `${duplicates} duplicate(s), ${missing} missing (limit: ${CONCURRENCY} in flight)`,
    );
    assertEquals(missing, 0);
    assert(
      duplicates <= CONCURRENCY,
      `${duplicates} duplicates > ${CONCURRENCY}`,
    );
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    await smtp.close();
    await Deno.remove(dir, { recursive: true });
  }
});
