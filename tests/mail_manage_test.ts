import { assert, assertEquals } from "./helpers/assert.ts";
import {
  draftAndSend,
  mailWorld,
  type Progress,
  waitCampaign,
} from "./helpers/mail.ts";

interface Err {
  error: { code: string; message: string };
}

Deno.test("mail: a draft can be edited (PATCH), duplicated and deleted; a sending campaign cannot be deleted (409)", async () => {
  const w = await mailWorld({ MAIL_RATE: "2", MAIL_CONCURRENCY: "1" });
  try {
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "Old", text: "x", to: { emails: ["a@x.test"] } },
    });
    const id = d.body.id;
    const e = await w.client.json<Progress & { subject: string }>(
      `/api/campaigns/${id}`,
      {
        method: "PATCH",
        json: {
          subject: "New",
          to: { emails: ["a@x.test", "b@x.test", "B@X.test", "bad"] },
        },
      },
    );
    assertEquals(e.status, 200);
    assertEquals([e.body.subject, e.body.total], ["New", 2]);
    const bad = await w.client.json<Err>(`/api/campaigns/${id}`, {
      method: "PATCH",
      json: { subject: "" },
    });
    assertEquals(bad.status, 400);
    const copy = await w.client.json<{ id: string; total: number }>(
      `/api/campaigns/${id}/duplicate`,
      { method: "POST" },
    );
    assertEquals([copy.status, copy.body.total], [201, 2]);
    assert(copy.body.id !== id);
    const del = await w.client.fetch(`/api/campaigns/${id}`, {
      method: "DELETE",
    });
    assertEquals(del.status, 204);
    assertEquals(
      (await w.client.json(`/api/campaigns/${id}`)).status,
      404,
    );
    // The copy sends; while sending it can be neither edited nor deleted.
    const big = Array.from({ length: 20 }, (_, i) => `s${i}@x.test`);
    const sending = await draftAndSend(w.client, {
      subject: "Slow",
      text: "x",
      to: { emails: big },
    });
    const no = await w.client.json<Err>(`/api/campaigns/${sending}`, {
      method: "DELETE",
    });
    assertEquals([no.status, no.body.error.code], [409, "campaign_active"]);
    const noEdit = await w.client.json<Err>(`/api/campaigns/${sending}`, {
      method: "PATCH",
      json: { subject: "x" },
    });
    assertEquals([noEdit.status, noEdit.body.error.code], [409, "not_draft"]);
    // Duplicating a sending campaign copies its recipients into a draft.
    const dup = await w.client.json<{ total: number; status: string }>(
      `/api/campaigns/${sending}/duplicate`,
      { method: "POST" },
    );
    assertEquals([dup.body.status, dup.body.total], ["draft", 20]);
    await w.client.json(`/api/campaigns/${sending}/cancel`, { method: "POST" });
    const gone = await w.client.fetch(`/api/campaigns/${sending}`, {
      method: "DELETE",
    });
    assertEquals(gone.status, 204);
    const list = await w.client.json<{ campaigns: { id: string }[] }>(
      "/api/campaigns",
    );
    assertEquals(list.body.campaigns.length, 2);
    // Another user's campaign is a 404 for the new routes too.
    const other = await (await import("./helpers/client.ts")).signedInClient(
      w.server.url,
    );
    for (
      const [path, method] of [
        [`/api/campaigns/${copy.body.id}`, "DELETE"],
        [`/api/campaigns/${copy.body.id}`, "PATCH"],
        [`/api/campaigns/${copy.body.id}/duplicate`, "POST"],
      ]
    ) {
      const r = await other.json(path, {
        method,
        json: method === "PATCH" ? { subject: "x" } : undefined,
      });
      assertEquals(r.status, 404, `${method} ${path}`);
    }
  } finally {
    await w.close();
  }
});

Deno.test("mail: retry failed queues only transient failures; retry all also permanent ones", async () => {
  const w = await mailWorld({ MAIL_MAX_ATTEMPTS: "2" });
  try {
    let refuse = true;
    w.smtp!.onRcpt = (a) => {
      if (!refuse) return undefined;
      if (a.startsWith("perm")) {
        return { code: 550, message: "5.1.1 No such user" };
      }
      if (a.startsWith("temp")) return { code: 451, message: "4.3.0 Busy" };
    };
    const id = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails: ["perm@x.test", "temp@x.test", "ok@x.test"] },
    });
    await waitCampaign(w.client, id, (p) => p.status === "done");
    refuse = false;
    const r = await w.client.json(`/api/campaigns/${id}/retry`, {
      method: "POST",
    });
    assertEquals(r.status, 200);
    await waitCampaign(w.client, id, (p) => p.status === "done");
    assertEquals(w.smtp!.countFor("temp@x.test"), 1);
    assertEquals(w.smtp!.countFor("perm@x.test"), 0);
    const only = await w.client.json<Err>(`/api/campaigns/${id}/retry`, {
      method: "POST",
    });
    assertEquals([only.status, only.body.error.code], [
      409,
      "nothing_to_retry",
    ]);
    assert(/Retry all/.test(only.body.error.message));
    const all = await w.client.json(`/api/campaigns/${id}/retry`, {
      method: "POST",
      json: { scope: "all" },
    });
    assertEquals(all.status, 200);
    const p = await waitCampaign(w.client, id, (p) => p.status === "done");
    assertEquals([p.sent, p.failed], [3, 0]);
    assertEquals(w.smtp!.countFor("perm@x.test"), 1);
    const badScope = await w.client.json(`/api/campaigns/${id}/retry`, {
      method: "POST",
      json: { scope: "some" },
    });
    assertEquals(badScope.status, 400);
  } finally {
    await w.close();
  }
});

Deno.test("mail: during retry backoff the campaign reports how many wait and when the next retry is due", async () => {
  const w = await mailWorld({ MAIL_RETRY_BASE_MS: "60000" });
  try {
    w.smtp!.onRcpt = (a) =>
      a.startsWith("wait") ? { code: 451, message: "4.3.0 Busy" } : undefined;
    const id = await draftAndSend(w.client, {
      subject: "S",
      text: "x",
      to: { emails: ["wait1@x.test", "wait2@x.test", "ok@x.test"] },
    });
    const p = await waitCampaign(
      w.client,
      id,
      (p) =>
        (p as Progress & { retrying?: number }).retrying === 2 && p.sent === 1,
    ) as Progress & { retrying: number; nextRetryAt?: string };
    assertEquals([p.sent, p.pending], [1, 2]);
    assert(p.nextRetryAt, "nextRetryAt is given");
    const inMs = Date.parse(p.nextRetryAt!) - Date.now();
    assert(inMs > 0 && inMs <= 60_000, `next retry in ${inMs} ms`);
    await w.client.json(`/api/campaigns/${id}/cancel`, { method: "POST" });
  } finally {
    await w.close();
  }
});

Deno.test("mail: malformed ids, limits and cursors on campaign routes are 400/404, never 500", async () => {
  const w = await mailWorld();
  try {
    const long = "A".repeat(3000);
    for (
      const q of ["limit=-5", "limit=0.5", "cursor=garbage", "cursor=%00"]
    ) {
      const r = await w.client.json<Err>(`/api/campaigns?${q}`);
      assertEquals(r.status, 400, q);
    }
    for (
      const [path, method] of [
        [`/api/campaigns/${long}`, "GET"],
        [`/api/campaigns/${long}`, "PATCH"],
        [`/api/campaigns/${long}`, "DELETE"],
        [`/api/campaigns/${long}/send`, "POST"],
        [`/api/campaigns/${long}/test`, "POST"],
        [`/api/campaigns/${long}/pause`, "POST"],
        [`/api/campaigns/${long}/retry`, "POST"],
        [`/api/campaigns/${long}/duplicate`, "POST"],
        [`/api/campaigns/${long}/recipients`, "GET"],
        [`/api/campaigns/${long}/preview`, "GET"],
      ]
    ) {
      const r = await w.client.json(path, {
        method,
        json: method === "GET" || method === "DELETE" ? undefined : {},
      });
      assert(r.status === 404 || r.status === 400, `${method} ${r.status}`);
    }
    for (const field of ["groups", "contacts"]) {
      const r = await w.client.json<Err>("/api/campaigns", {
        json: { subject: "S", text: "x", to: { [field]: [long] } },
      });
      assertEquals(r.status, 400, field);
    }
  } finally {
    await w.close();
  }
});

Deno.test("mail: recipient listing refuses bad limits and cursors with 400", async () => {
  const w = await mailWorld();
  try {
    const d = await w.client.json<{ id: string }>("/api/campaigns", {
      json: { subject: "S", text: "x", to: { emails: ["a@x.test"] } },
    });
    await w.client.json(`/api/campaigns/${d.body.id}/send`, { method: "POST" });
    await waitCampaign(w.client, d.body.id, (p) => p.status === "done");
    for (
      const q of ["limit=-5", "limit=0.5", "cursor=garbage", "cursor=%00"]
    ) {
      const r = await w.client.json(
        `/api/campaigns/${d.body.id}/recipients?${q}`,
      );
      assertEquals(r.status, 400, q);
    }
  } finally {
    await w.close();
  }
});

Deno.test("mail: composer error messages start with a capital letter", async () => {
  const w = await mailWorld();
  try {
    for (
      const body of [
        { text: "x", to: { emails: ["a@x.test"] } },
        { subject: "S", to: { emails: ["a@x.test"] } },
        { subject: "S", text: 5, to: { emails: ["a@x.test"] } },
        { subject: "S", text: "x", to: { emails: "a@x.test" } },
        { subject: "S\r\nBcc: x", text: "x", to: { emails: ["a@x.test"] } },
      ]
    ) {
      const r = await w.client.json<Err>("/api/campaigns", { json: body });
      assertEquals(r.status, 400);
      assert(/^[A-Z]/.test(r.body.error.message), r.body.error.message);
    }
  } finally {
    await w.close();
  }
});
