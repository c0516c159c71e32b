import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../../../components/provider_links.tsx";
import { AppError } from "../../../lib/errors.ts";
import {
  completeAuthorization,
  type CompletedAuthorization,
} from "../../../lib/auth/oauth/flow.ts";
import {
  findProvider,
  providerChoices,
  redirectUriFor,
} from "../../../lib/auth/oauth/providers.ts";
import { applyAuthorization } from "../../../lib/auth/oauth/sign_in.ts";
import { redirect } from "../../../lib/web/error_response.ts";
import { safeReturnPath } from "../../../lib/web/safe_path.ts";
import {
  clearFlowCookie,
  readFlowCookie,
} from "../../../lib/web/oauth_cookie.ts";
import { startSession } from "../../../lib/auth/session_cookie.ts";

/**
 * `GET /auth/<provider>/callback`: the provider sends the browser back here.
 * Success signs in exactly like password login (fresh session) or, for a
 * linking flow, returns to Settings. Failures show the login page (or
 * Settings for a signed-in user) with the reason, and no session.
 */
export const handler: Handlers<LoginPageData> = {
  async GET(req, ctx) {
    const { kv, config } = ctx.deps;
    const provider = findProvider(config, ctx.params.provider);
    if (!provider) return await ctx.renderNotFound();
    const headers = new Headers({ "cache-control": "no-store" });
    headers.append("set-cookie", clearFlowCookie(config));
    let completed: CompletedAuthorization | undefined;
    try {
      completed = await completeAuthorization(kv, provider, {
        flowId: readFlowCookie(req, config),
        callbackUrl: ctx.url,
        redirectUri: redirectUriFor(config.appUrl, provider),
      });
      const outcome = await applyAuthorization(
        kv,
        provider,
        completed,
        ctx.state.user?.id,
        { config, generalRoom: config.generalRoom },
      );
      if (outcome.kind === "linked") {
        return redirect(`/settings?linked=${provider.id}`, 303, headers);
      }
      headers.append(
        "set-cookie",
        await startSession(kv, config, req, outcome.user.id, ctx.remoteAddr),
      );
      return redirect(safeReturnPath(outcome.returnTo), 303, headers);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (completed?.linkingUserId || ctx.state.user) {
        const q = new URLSearchParams({
          error: err.code,
          provider: provider.id,
        });
        return redirect(`/settings?${q}`, 303, headers);
      }
      return await ctx.render({
        error: err.message,
        code: err.code,
        providers: providerChoices(config),
      }, { status: err.status, headers });
    }
  },
};

export default function CallbackPage({ data }: PageProps<LoginPageData>) {
  return <LoginWithProviders data={data} />;
}
