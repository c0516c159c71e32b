/**
 * Helpers for group mail integration tests: a server wired to a test SMTP
 * server, a group of contacts, and waiting for a campaign's status.
 * @module
 */
import { startServer, type TestServer } from "./server.ts";
import { startSmtp, type TestSmtp } from "./smtp.ts";
import { type Client, signedInClient } from "./client.ts";

/** A server, its SMTP server (unless `outbox`) and one signed-in user. */
export interface MailWorld {
  server: TestServer;
  smtp?: TestSmtp;
  client: Client;
  user: string;
  close(): Promise<void>;
}

/** Starts the world; `env` overrides (retries are fast by default). */
export async function mailWorld(
  env: Record<string, string> = {},
  opts: { outbox?: boolean } = {},
): Promise<MailWorld> {
  const smtp = opts.outbox ? undefined : await startSmtp();
  const server = await startServer({
    env: {
      MAIL_FROM: "RT Messenger <no-reply@rt.test>",
      MAIL_RETRY_BASE_MS: "50",
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...env,
    },
  });
  const client = await signedInClient(server.url);
  return {
    server,
    smtp,
    client,
    user: client.username!,
    async close() {
      await server.close();
      await smtp?.close();
    },
  };
}

/**
 * Creates, through the contacts HTTP API as the user would, a group with `n`
 * contacts `First<i> Last<i> <m<i>@group.test>`.
 */
export async function makeGroup(
  client: Client,
  n: number,
  name = "Team",
): Promise<{ id: string; emails: string[] }> {
  const g = await client.json<{ id: string }>("/api/groups", {
    json: { name },
  });
  if (g.status !== 201 && g.status !== 200) {
    throw new Error(`creating group ${name} answered ${g.status}`);
  }
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `m${i}@group.test`;
    const res = await client.json("/api/contacts", {
      json: {
        givenName: `First${i}`,
        familyName: `Last${i}`,
        email,
        groups: [g.body.id],
      },
    });
    if (res.status !== 201) {
      throw new Error(`creating ${email} answered ${res.status}`);
    }
    emails.push(email);
  }
  return { id: g.body.id, emails };
}

/** Campaign progress as the API answers it. */
export interface Progress {
  id: string;
  status: string;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  suppressed: number;
}

/** Polls `GET /api/campaigns/:id` until `pred` holds (fails after ~30 s). */
export async function waitCampaign(
  client: Client,
  id: string,
  pred: (p: Progress) => boolean,
): Promise<Progress> {
  let last: Progress | undefined;
  for (let i = 0; i < 1500; i++) {
    const r = await client.json<Progress>(`/api/campaigns/${id}`);
    last = r.body;
    if (pred(last)) return last;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(
    `campaign never reached the state; last: ${JSON.stringify(last)}`,
  );
}

/** Drafts and sends; returns the campaign id. */
export async function draftAndSend(
  client: Client,
  body: Record<string, unknown>,
): Promise<string> {
  const d = await client.json<{ id: string }>("/api/campaigns", { json: body });
  if (d.status !== 201) {
    throw new Error(`draft: ${d.status} ${JSON.stringify(d.body)}`);
  }
  const s = await client.json(`/api/campaigns/${d.body.id}/send`, {
    method: "POST",
  });
  if (s.status !== 202) {
    throw new Error(`send: ${s.status} ${JSON.stringify(s.body)}`);
  }
  return d.body.id;
}
