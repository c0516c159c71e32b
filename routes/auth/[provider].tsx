import type { Handlers, PageProps } from "../../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../../components/provider_links.tsx";
import {
  AppError,
  ForbiddenError,
  TooManyRequestsError,
} from "../../lib/errors.ts";
import { limitStarts, startAuthorization } from "../../lib/auth/oauth/flow.ts";
import { signupTerms } from "../../lib/auth/accounts.ts";
import {
  findProvider,
  providerChoices,
  redirectUriFor,
} from "../../lib/auth/oauth/providers.ts";
import { redirect } from "../../lib/web/error_response.ts";
import { flowCookie } from "../../lib/web/oauth_cookie.ts";

/**
 * `GET /auth/<provider>?next=/path[&invite=TOKEN]` starts a sign-in (an
 * invitation token is kept in the server-side flow record and used if the
 * sign-in creates an account); with `link=1` (from Settings, signed in) it
 * links the provider to the current account.
 */
export const handler: Handlers<LoginPageData> = {
  async GET(req, ctx) {
    const { kv, config } = ctx.deps;
    const provider = findProvider(config, ctx.params.provider);
    if (!provider) return await ctx.renderNotFound();
    const linking = ctx.url.searchParams.get("link") === "1";
    const next = ctx.url.searchParams.get("next");
    const invite = linking
      ? undefined
      : ctx.url.searchParams.get("invite") || undefined;
    if (linking && !ctx.state.user) return redirect("/login?next=%2Fsettings");
    try {
      if (linking) {
        // Linking changes the account: only from our own pages.
        const site = req.headers.get("sec-fetch-site");
        if (site === "cross-site" || site === "same-site") {
          throw new ForbiddenError(
            "Link providers from your Settings page.",
            "cross_site",
          );
        }
      }
      // A bad link is explained now, not after the provider round trip;
      // the invitation is used (once, atomically) when the account is made.
      if (invite) await signupTerms(kv, config, invite);
      await limitStarts(kv, ctx.remoteAddr, config.oauthStartsPerIp);
      const started = await startAuthorization(kv, provider, {
        redirectUri: redirectUriFor(config.appUrl, provider),
        returnTo: next ?? (linking ? "/settings" : undefined),
        linkingUserId: linking ? ctx.state.user!.id : undefined,
        invite,
      });
      return redirect(started.url.href, 302, {
        "set-cookie": flowCookie(config, started.flowId, started.maxAgeSeconds),
        "cache-control": "no-store",
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return await ctx.render({
        error: err.message,
        code: err.code,
        providers: providerChoices(config),
      }, {
        status: err.status,
        headers: err instanceof TooManyRequestsError && err.retryAfter
          ? { "retry-after": String(Math.ceil(err.retryAfter)) }
          : {},
      });
    }
  },
};

export default function StartPage({ data }: PageProps<LoginPageData>) {
  return <LoginWithProviders data={data} />;
}
