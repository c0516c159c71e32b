/**
 * The handlers behind the login and sign-up pages: both take a username and
 * password form, sign the user in with a fresh session and redirect to a
 * same-origin `next`; failures re-render the form with the reason.
 * @module
 */
import type { Config } from "../config.ts";
import { readForm } from "../web/body.ts";
import { redirect } from "../web/error_response.ts";
import { handleForm } from "../web/form_page.ts";
import { safeReturnPath } from "../web/safe_path.ts";
import { startSession } from "./session_cookie.ts";
import type { Handlers } from "../web/types.ts";
import { type ProviderChoice, providerChoices } from "./oauth/providers.ts";
import type { User } from "./users.ts";

/** What the login and sign-up pages render. */
export interface CredentialsPageData {
  username?: string;
  error?: string;
  fields?: Record<string, string>;
  next?: string;
  providers?: ProviderChoice[];
  /** Sign-up: the invitation token carried by the form. */
  invite?: string;
}

/** Checks (or creates) the account behind a submitted form. */
export type Authenticate = (
  kv: Deno.Kv,
  config: Config,
  form: Record<string, string>,
  ip: string,
) => Promise<User>;

/** GET renders the form (signed-in users go on to `next`); POST signs in. */
export function credentialsHandlers(
  authenticate: Authenticate,
): Handlers<CredentialsPageData> {
  return {
    GET(_req, ctx) {
      const next = ctx.url.searchParams.get("next") ?? undefined;
      if (ctx.state.user) return redirect(safeReturnPath(next));
      return ctx.render({ next, providers: providerChoices(ctx.deps.config) });
    },
    async POST(req, ctx) {
      const { kv, config } = ctx.deps;
      const form = await readForm(req, config.maxBodyBytes);
      const next = ctx.url.searchParams.get("next") ?? undefined;
      return await handleForm(ctx, async () => {
        const user = await authenticate(kv, config, form, ctx.remoteAddr);
        const cookie = await startSession(
          kv,
          config,
          req,
          user.id,
          ctx.remoteAddr,
        );
        return redirect(safeReturnPath(next), 303, { "set-cookie": cookie });
      }, (failure) => ({
        ...failure,
        username: form.username,
        invite: form.invite || undefined,
        next,
        providers: providerChoices(config),
      }));
    },
  };
}
