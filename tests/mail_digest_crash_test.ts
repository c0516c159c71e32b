/** Missed-mention mail survives a SIGKILL mid-send without sending twice. */
import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { createUser, updateUser } from "../lib/auth/users.ts";
import { openDm } from "../lib/chat/rooms.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { messageIndexHook } from "../lib/chat/message_indexes.ts";
import { markPending } from "../lib/chat/missed.ts";
import { type DigestJob, listDigestJobs } from "../lib/mail/digest_sender.ts";
import { retryLocked } from "../lib/kv.ts";

function spawnApp(kvPath: string, smtpUrl: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "--dev"],
    cwd: PROJECT_ROOT,
    env: {
      KV_PATH: kvPath,
      SMTP_URL: smtpUrl,
      PORT: "0",
      DIGEST_DELAY_MINUTES: "0.01",
      MAIL_FROM: "Digest <no-reply@digest.test>",
      SIGNUP_POLICY: "open",
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

/** Writes a DM from ann to bob (as the chat does) and marks bob pending. */
async function dm(kvPath: string, text: string, cid: string) {
  const kv = await Deno.openKv(kvPath);
  try {
    const exists = () => Promise.resolve(true);
    const room = await retryLocked(() => openDm(kv, "ann", "bob", exists));
    const writer = new GroupCommitter(kv, { hooks: [messageIndexHook] });
    const { message } = await writer.send({
      room: room.id,
      author: "ann",
      text,
      cid,
    });
    await writer.close();
    await markPending(kv, ["bob"], Date.parse(message.createdAt));
  } finally {
    kv.close();
  }
}

async function jobs(kvPath: string): Promise<DigestJob[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    return await retryLocked(() => listDigestJobs(kv, "bob"));
  } finally {
    kv.close();
  }
}

Deno.test("digest crash: SIGKILL while the digest is being sent, restart: the same messages are never mailed twice, later ones still are", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_digest_crash_" });
  const kvPath = `${dir}/digest.kv`;
  const smtp = await startSmtp();
  {
    const kv = await Deno.openKv(kvPath);
    await createUser(kv, { username: "ann" });
    const bob = await createUser(kv, { username: "bob" });
    await updateUser(
      kv,
      {
        ...bob,
        email: "bob@digest.test",
        emailVerified: true,
      },
    );
    kv.close();
  }
  await dm(kvPath, "first: are you there?", "c1");
  let child: Deno.ChildProcess | undefined = spawnApp(kvPath, smtp.url);
  let killed = false;
  // The moment the app hands the digest to SMTP (RCPT TO), it is killed.
  smtp.onRcpt = () => {
    if (!killed && child) {
      killed = true;
      child.kill("SIGKILL");
    }
    return undefined;
  };
  try {
    await until(() => killed, "the digest to reach SMTP");
    assertEquals((await child.status).signal, "SIGKILL");
    const atKill = smtp.countFor("bob@digest.test");
    child = spawnApp(kvPath, smtp.url);
    // A later message gets its own digest from the restarted process.
    await until(async () => (await jobs(kvPath)).length >= 1, "the first job");
    await dm(kvPath, "second: after the restart", "c2");
    await until(
      async () => (await jobs(kvPath)).some((j) => j.state === "sent"),
      "the second digest",
    );
    await new Promise((r) => setTimeout(r, 2000));
    const all = await jobs(kvPath);
    const texts = smtp.mails.map((m) => m.parsed.text ?? "");
    const first = texts.filter((t) => t.includes("are you there?")).length;
    const second = texts.filter((t) => t.includes("after the restart")).length;
    console.log(
      `digest crash: ${atKill} mail(s) accepted at the kill; jobs ${
        all.map((j) => j.state).join(",")
      }; first message mailed ${first}×, second ${second}×`,
    );
    // The killed send may or may not have reached the server; a digest
    // handed to the transport is never sent again (at most once), so the
    // restart does not mail the first message again.
    assertEquals(first, atKill);
    assert(first <= 1, `the first message was mailed ${first} times`);
    assertEquals(second, 1);
    assertEquals(all.filter((j) => j.state === "handed").length, 1);
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    await smtp.close();
    await Deno.remove(dir, { recursive: true });
  }
});
