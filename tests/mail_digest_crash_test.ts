/**
 * Missed-mention mail survives a SIGKILL mid-send without sending twice: it
 * is a job in the group-mail ledger, recovered by that ledger's leases.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { createUser, updateUser } from "../lib/auth/users.ts";
import { openDm } from "../lib/chat/rooms.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { messageIndexHook } from "../lib/chat/message_indexes.ts";
import { markPending } from "../lib/chat/missed.ts";
import { type DigestRow, listDigests } from "../lib/mail/digest_planner.ts";
import { INTERRUPTED } from "../lib/mail/ledger.ts";
import { type Campaign, keys, SYSTEM_OWNER } from "../lib/mail/model.ts";
import { retryLocked } from "../lib/kv.ts";

function spawnApp(
  kvPath: string,
  smtpUrl: string,
  pauseAt?: string,
): Deno.ChildProcess {
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
      // A killed process's lease runs out soon, so the restart recovers it.
      MAIL_LEASE_SECONDS: "1",
      ...(pauseAt ? { RT_TEST_HOOKS: "1", RT_TEST_PAUSE_AT: pauseAt } : {}),
    },
    stdin: "null",
    stdout: "null",
    stderr: pauseAt ? "piped" : "null",
  }).spawn();
}

/** Resolves once the child printed that it reached its test point. */
async function reached(child: Deno.ChildProcess, point: string) {
  const lines = child.stderr.pipeThrough(new TextDecoderStream());
  let seen = "";
  for await (const chunk of lines) {
    seen += chunk;
    if (seen.includes(`test point reached: ${point}`)) return;
  }
  throw new Error(`the app exited before ${point}: ${seen}`);
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

async function jobs(kvPath: string): Promise<DigestRow[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    return await retryLocked(() => listDigests(kv, "bob"));
  } finally {
    kv.close();
  }
}

/** The system job behind a digest, straight from the group-mail ledger. */
async function ledgerJob(kvPath: string, id: string) {
  const kv = await Deno.openKv(kvPath);
  try {
    const c = await retryLocked(() => kv.get<Campaign>(keys.campaign(id)));
    const users = [];
    for await (const e of kv.list({ prefix: ["mail_user_campaign"] })) {
      users.push(e.key);
    }
    return { campaign: c.value, userCampaignKeys: users };
  } finally {
    kv.close();
  }
}

async function makeUsers(kvPath: string) {
  const kv = await Deno.openKv(kvPath);
  await createUser(kv, { username: "ann" });
  const bob = await createUser(kv, { username: "bob" });
  await updateUser(kv, {
    ...bob,
    email: "bob@digest.test",
    emailVerified: true,
  });
  kv.close();
}

Deno.test("digest crash: SIGKILL while the digest is being sent, restart: the ledger fails the handed job instead of mailing the same messages twice; later ones are still mailed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_digest_crash_" });
  const kvPath = `${dir}/digest.kv`;
  const smtp = await startSmtp();
  await makeUsers(kvPath);
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
    const [handed] = await jobs(kvPath);
    assertEquals(
      handed.status,
      "sending",
      "killed while in the ledger as sending",
    );
    assert(handed.handedAt, "marked handed before the transport was called");
    child = spawnApp(kvPath, smtp.url);
    // The restarted sender takes the expired lease over and fails the job.
    await until(
      async () => (await jobs(kvPath))[0]?.status === "failed",
      "the interrupted job to be failed by the ledger",
    );
    await dm(kvPath, "second: after the restart", "c2");
    await until(
      async () => (await jobs(kvPath)).some((j) => j.status === "sent"),
      "the second digest",
    );
    await until(
      async () => (await jobs(kvPath)).every((j) => j.jobStatus === "done"),
      "both jobs to be done",
    );
    const all = await jobs(kvPath);
    const texts = smtp.mails.map((m) => m.parsed.text ?? "");
    const first = texts.filter((t) => t.includes("are you there?")).length;
    const second = texts.filter((t) => t.includes("after the restart")).length;
    console.log(
      `digest crash: ${atKill} mail(s) accepted at the kill; ledger ${
        all.map((j) => `${j.status}/${j.attempts}`).join(",")
      }; first message mailed ${first}×, second ${second}×`,
    );
    // The killed send may or may not have reached the server; a digest
    // handed to the transport is never sent again (at most once).
    assertEquals(first, atKill);
    assert(first <= 1, `the first message was mailed ${first} times`);
    assertEquals(second, 1);
    const failed = all.find((j) => j.id === handed.id)!;
    assertEquals(failed.status, "failed");
    assertEquals(failed.error, INTERRUPTED);
    assertEquals(all.filter((j) => j.status === "sent").length, 1);
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    await smtp.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("digest crash: SIGKILL after the ledger leased the digest but before it was handed over, restart: the group-mail ledger recovers it and it arrives exactly once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_digest_lease_" });
  const kvPath = `${dir}/digest.kv`;
  const smtp = await startSmtp();
  await makeUsers(kvPath);
  await dm(kvPath, "leased then killed", "c1");
  let child = spawnApp(kvPath, smtp.url, "mail:before_handover");
  try {
    await reached(child, "mail:before_handover");
    child.kill("SIGKILL");
    assertEquals((await child.status).signal, "SIGKILL");
    assertEquals(smtp.mails.length, 0);
    const [leased] = await jobs(kvPath);
    assertEquals(leased.status, "sending");
    assertEquals(leased.attempts, 1);
    assertEquals(leased.handedAt, undefined);
    child = spawnApp(kvPath, smtp.url);
    await until(
      async () => (await jobs(kvPath))[0]?.jobStatus === "done",
      "the job to be done",
    );
    const [done] = await jobs(kvPath);
    assertEquals(done.status, "sent");
    assertEquals(done.attempts, 2, "one lease per process");
    assertEquals(smtp.countFor("bob@digest.test"), 1);
    assert((smtp.mails[0].parsed.text ?? "").includes("leased then killed"));
    assertEquals(
      smtp.mails[0].header("message-id"),
      `<digest-${done.id}@digest.test>`,
    );
    // A system job in the group-mail ledger, never a user's campaign.
    const { campaign, userCampaignKeys } = await ledgerJob(kvPath, done.id);
    assertEquals(campaign?.owner, SYSTEM_OWNER);
    assertEquals(campaign?.status, "done");
    assertEquals(campaign?.digest?.user, "bob");
    assertEquals(userCampaignKeys, []);
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await smtp.close();
    await Deno.remove(dir, { recursive: true });
  }
});
