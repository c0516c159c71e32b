import type {
  Handlers,
  PageProps,
  RouteConfig,
} from "../../../lib/web/types.ts";
import {
  getDigestSetting,
  setDigestSetting,
  tokenUser,
} from "../../../lib/mail/digest_settings.ts";

/** Mail clients POST one-click unsubscribes without cookies or Origin (RFC 8058). */
export const config: RouteConfig = {
  skipOriginCheck: true,
  maxBodyBytes: 4096,
};

interface Data {
  state: "confirm" | "done" | "already" | "unknown";
}

export const handler: Handlers<Data> = {
  /** Shows a confirmation form (or says it is already done); never changes anything. */
  async GET(_req, ctx) {
    const user = await tokenUser(ctx.deps.kv, ctx.params.token);
    if (!user) return await ctx.render({ state: "unknown" }, { status: 404 });
    const now = await getDigestSetting(ctx.deps.kv, user);
    return await ctx.render({ state: now === "off" ? "already" : "confirm" });
  },
  /** One-click (`List-Unsubscribe=One-Click`) or the form's button: turns the mails off. */
  async POST(req, ctx) {
    await req.body?.cancel();
    const user = await tokenUser(ctx.deps.kv, ctx.params.token);
    if (!user) return await ctx.render({ state: "unknown" }, { status: 404 });
    await setDigestSetting(ctx.deps.kv, user, "off");
    return await ctx.render({ state: "done" });
  },
};

/** `/unsubscribe/digest/:token`: stop missed-mention mails. */
export default function DigestUnsubscribe({ data, url }: PageProps<Data>) {
  return (
    <section class="narrow">
      {data.state === "unknown" && (
        <>
          <h1>Link not valid</h1>
          <p>This unsubscribe link is unknown or was mistyped.</p>
        </>
      )}
      {data.state === "confirm" && (
        <>
          <h1>Stop missed-mention mails?</h1>
          <p>
            You will get no more mails about mentions and direct messages you
            have not read. You can turn them on again in the app.
          </p>
          <form method="post" action={url.pathname}>
            <button type="submit" class="primary">Unsubscribe</button>
          </form>
        </>
      )}
      {(data.state === "done" || data.state === "already") && (
        <>
          <h1>
            {data.state === "done"
              ? "You are unsubscribed"
              : "Already unsubscribed"}
          </h1>
          <p role="status">
            Missed-mention mails are off. You can turn them on again in the app.
          </p>
        </>
      )}
    </section>
  );
}
