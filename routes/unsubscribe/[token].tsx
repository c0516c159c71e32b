import type { Handlers, PageProps, RouteConfig } from "../../lib/web/types.ts";
import {
  isSuppressed,
  lookupToken,
  unsubscribe,
} from "../../lib/mail/unsubscribe.ts";

/** Mail clients POST one-click unsubscribes without cookies or Origin (RFC 8058). */
export const config: RouteConfig = {
  skipOriginCheck: true,
  maxBodyBytes: 4096,
};

interface Data {
  state: "confirm" | "done" | "already" | "unknown";
  email?: string;
  sender?: string;
}

export const handler: Handlers<Data> = {
  /** Shows a confirmation form; never unsubscribes by itself. */
  async GET(_req, ctx) {
    const target = await lookupToken(ctx.deps.kv, ctx.params.token);
    if (!target) return await ctx.render({ state: "unknown" }, { status: 404 });
    const already = await isSuppressed(ctx.deps.kv, target.owner, target.email);
    return await ctx.render({
      state: already ? "already" : "confirm",
      email: target.email,
      sender: target.owner,
    });
  },
  /** One-click (`List-Unsubscribe=One-Click`) or the confirm form's button. */
  async POST(req, ctx) {
    await req.body?.cancel();
    const target = await unsubscribe(ctx.deps.kv, ctx.params.token);
    if (!target) return await ctx.render({ state: "unknown" }, { status: 404 });
    return await ctx.render({
      state: "done",
      email: target.email,
      sender: target.owner,
    });
  },
};

export default function Unsubscribe({ data, url }: PageProps<Data>) {
  return (
    <section class="narrow">
      <link rel="stylesheet" href="/mail.css" />
      {data.state === "unknown" && (
        <>
          <h1>Link not valid</h1>
          <p>This unsubscribe link is unknown or was mistyped.</p>
        </>
      )}
      {data.state === "confirm" && (
        <>
          <h1>Unsubscribe?</h1>
          <p>
            Stop mails from <strong>{data.sender}</strong> to{" "}
            <strong>{data.email}</strong>?
          </p>
          <form method="post" action={url.pathname}>
            <button type="submit" class="primary">Unsubscribe</button>
          </form>
        </>
      )}
      {data.state === "already" && (
        <>
          <h1>Already unsubscribed</h1>
          <p role="status">
            <strong>{data.email}</strong>{" "}
            is already unsubscribed and gets no group mail from{" "}
            <strong>{data.sender}</strong>.
          </p>
        </>
      )}
      {data.state === "done" && (
        <>
          <h1>You are unsubscribed</h1>
          <p role="status">
            <strong>{data.email}</strong> will get no more group mail from{" "}
            <strong>{data.sender}</strong>.
          </p>
        </>
      )}
    </section>
  );
}
