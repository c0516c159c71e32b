import type { Handlers, PageProps } from "../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../components/provider_links.tsx";
import { logIn } from "../lib/auth/accounts.ts";
import { providerChoices } from "../lib/auth/oauth/providers.ts";
import { readForm } from "../lib/web/body.ts";
import { redirect } from "../lib/web/error_response.ts";
import { handleForm } from "../lib/web/form_page.ts";
import { safeReturnPath } from "../lib/web/safe_path.ts";
import { startSession } from "../lib/web/session_cookie.ts";

export const handler: Handlers<LoginPageData> = {
  GET(_req, ctx) {
    if (ctx.state.user) {
      return redirect(safeReturnPath(ctx.url.searchParams.get("next")));
    }
    return ctx.render({
      next: ctx.url.searchParams.get("next") ?? undefined,
      providers: providerChoices(ctx.deps.config),
    });
  },
  async POST(req, ctx) {
    const { kv, config } = ctx.deps;
    const form = await readForm(req, config.maxBodyBytes);
    const next = ctx.url.searchParams.get("next") ?? undefined;
    return await handleForm(ctx, async () => {
      const user = await logIn(kv, config, form, ctx.remoteAddr);
      const cookie = await startSession(kv, config, req, user.id);
      return redirect(safeReturnPath(next), 303, { "set-cookie": cookie });
    }, (f) => ({
      ...f,
      username: form.username,
      next,
      providers: providerChoices(config),
    }));
  },
};

export default function LoginPage({ data }: PageProps<LoginPageData>) {
  return <LoginWithProviders data={data} />;
}
