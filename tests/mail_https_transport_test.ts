/**
 * Group mail over HTTPS (issue 15 item 4): MAIL_TRANSPORT=resend against a
 * local stand-in of Resend's documented API, through the real server and the
 * campaign API.
 */
import assert from "node:assert/strict";
import { draftAndSend, mailWorld, waitCampaign } from "./helpers/mail.ts";
import { startResendStandin } from "./helpers/resend_standin.ts";
import {
  classifyAnswer,
  RateLimitedError,
  retryAfterMs,
} from "../lib/mail/https_transport.ts";
import { loadConfig } from "../lib/config.ts";

type Rcpt = {
  email: string;
  status: string;
  error?: string;
  attempts?: number;
};

Deno.test("mail https: a campaign goes out through Resend's API; a 429 pauses for Retry-After then retries, a 500 is retried, a 422 fails for good", async () => {
  const api = await startResendStandin();
  const w = await mailWorld({
    MAIL_TRANSPORT: "resend",
    RESEND_API_KEY: api.key,
    RESEND_API_URL: api.url,
  }, { outbox: true });
  try {
    const once = new Set<string>();
    api.script = (r) => {
      const to = r.body.to[0];
      if (to === "busy@x.test" && !once.has(to)) {
        once.add(to);
        return {
          status: 429,
          headers: { "retry-after": "1" },
          body: {
            statusCode: 429,
            name: "rate_limit_exceeded",
            message:
              "Too many requests. You can only make 2 requests per second.",
          },
        };
      }
      if (to === "flaky@x.test" && !once.has(to)) {
        once.add(to);
        return {
          status: 500,
          body: {
            statusCode: 500,
            name: "internal_server_error",
            message: "Unexpected error",
          },
        };
      }
      if (to === "bad@x.test") {
        return {
          status: 422,
          body: {
            statusCode: 422,
            name: "validation_error",
            message: "Invalid `to` field.",
          },
        };
      }
    };
    const id = await draftAndSend(w.client, {
      subject: "Hi {{email}}",
      text: "Hello {{email}}",
      to: {
        emails: ["ok@x.test", "busy@x.test", "flaky@x.test", "bad@x.test"],
      },
    });
    const p = await waitCampaign(w.client, id, (p) => p.status === "done");
    assert.deepEqual([p.sent, p.failed, p.pending], [3, 1, 0]);
    const all = await w.client.json<{ recipients: Rcpt[] }>(
      `/api/campaigns/${id}/recipients`,
    );
    const by = new Map(all.body.recipients.map((r) => [r.email, r]));
    assert.equal(by.get("bad@x.test")!.status, "failed");
    assert.match(by.get("bad@x.test")!.error!, /422 validation_error/);
    assert.deepEqual(
      [by.get("busy@x.test")!.status, by.get("busy@x.test")!.attempts],
      ["sent", 2],
    );
    assert.equal(by.get("flaky@x.test")!.status, "sent");
    // The request shape Resend documents.
    const ok = api.requests.find((r) => r.body.to[0] === "ok@x.test")!;
    assert.equal(ok.body.subject, "Hi ok@x.test");
    assert.equal(ok.body.text, "Hello ok@x.test");
    assert.match(ok.body.from, /no-reply@rt\.test/);
    assert.ok(ok.body.headers?.["List-Unsubscribe"], "List-Unsubscribe header");
    // The retry of the rate-limited mail waited at least Retry-After and
    // kept its idempotency key (a lost answer is not sent twice).
    const busy = api.requests.filter((r) => r.body.to[0] === "busy@x.test");
    assert.equal(busy.length, 2);
    assert.ok(busy[1].at - busy[0].at >= 1000, `${busy[1].at - busy[0].at} ms`);
    assert.ok(busy[0].idempotencyKey);
    assert.equal(busy[0].idempotencyKey, busy[1].idempotencyKey);
    assert.equal(
      api.requests.filter((r) => r.body.to[0] === "bad@x.test").length,
      1,
    );
  } finally {
    await w.close();
    await api.close();
  }
});

Deno.test("mail https: answers map to outcomes (429 → pause, 5xx/401/403 → transient, 400/422 → permanent) and MAIL_TRANSPORT is validated", () => {
  const h = new Headers();
  const e429 = classifyAnswer(429, new Headers({ "retry-after": "7" }), null);
  assert.ok(e429 instanceof RateLimitedError);
  assert.equal(e429.retryAfterMs, 7000);
  assert.equal(e429.permanent, false);
  for (const s of [500, 502, 503, 401, 403]) {
    assert.equal(classifyAnswer(s, h, null).permanent, false, String(s));
  }
  for (const s of [400, 422]) {
    assert.equal(classifyAnswer(s, h, null).permanent, true, String(s));
  }
  assert.equal(retryAfterMs(new Headers()), 1000);
  assert.equal(retryAfterMs(new Headers({ "ratelimit-reset": "2" })), 2000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "99999" })), 600_000);
  assert.throws(
    () => loadConfig({ MAIL_TRANSPORT: "carrier-pigeon" }),
    /MAIL_TRANSPORT/,
  );
  assert.throws(
    () => loadConfig({ MAIL_TRANSPORT: "resend" }),
    /RESEND_API_KEY/,
  );
  assert.equal(loadConfig({}).mailTransport, "smtp");
});
