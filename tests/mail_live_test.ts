import { assert, assertEquals } from "./helpers/assert.ts";
import { signedInClient } from "./helpers/client.ts";
import { draftAndSend, mailWorld } from "./helpers/mail.ts";

interface Frame {
  type: string;
  campaign?: {
    id: string;
    status: string;
    total: number;
    sent: number;
    failed: number;
    pending: number;
  };
}

Deno.test("mail live: campaign progress reaches the owner's WebSocket up to done, and nobody else's", async () => {
  const w = await mailWorld({ MAIL_RATE: "50" });
  const other = await signedInClient(w.server.url);
  const mine = w.client.socket();
  const theirs = other.socket();
  const frames: Frame[] = [];
  const leaked: Frame[] = [];
  const { promise: done, resolve } = Promise.withResolvers<void>();
  mine.onmessage = (e) => {
    const f = JSON.parse(e.data) as Frame;
    if (f.type !== "campaign") return;
    frames.push(f);
    if (f.campaign?.status === "done") resolve();
  };
  theirs.onmessage = (e) => {
    const f = JSON.parse(e.data) as Frame;
    if (f.type === "campaign") leaked.push(f);
  };
  try {
    await Promise.all(
      [mine, theirs].map((s) => new Promise((r) => (s.onopen = r))),
    );
    const emails = Array.from({ length: 25 }, (_, i) => `live${i}@x.test`);
    const id = await draftAndSend(w.client, {
      subject: "Live",
      text: "x",
      to: { emails },
    });
    await done;
    const last = frames.at(-1)!.campaign!;
    assertEquals(last, {
      ...last,
      id,
      status: "done",
      total: 25,
      sent: 25,
      failed: 0,
      pending: 0,
    });
    // Progress is monotonic and arrived in more than one step.
    const sent = frames.map((f) => f.campaign!.sent);
    assert(sent.every((n, i) => i === 0 || n >= sent[i - 1]), String(sent));
    assert(frames.length >= 2, `only ${frames.length} frame(s)`);
    assertEquals(leaked, []);
  } finally {
    for (const s of [mine, theirs]) {
      const closed = new Promise((r) => (s.onclose = r));
      s.close();
      await closed;
    }
    await w.close();
  }
});
