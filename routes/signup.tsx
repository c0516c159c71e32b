import type { Handlers, PageProps } from "../lib/web/types.ts";
import {
  type LoginPageData,
  LoginWithProviders,
} from "../components/provider_links.tsx";
import { signUp } from "../lib/auth/accounts.ts";
import { credentialsHandlers } from "../lib/auth/credentials_form.ts";
import { findUsableInvite } from "../lib/auth/invites.ts";
import { storeIsEmpty } from "../lib/auth/users.ts";
import { providerChoices } from "../lib/auth/oauth/providers.ts";
import { GoneError } from "../lib/errors.ts";

interface SignupData extends LoginPageData {
  /** Set when the invitation link cannot be used: the page explains why. */
  inviteError?: string;
}

const post = credentialsHandlers(signUp);

/**
 * `GET /signup[?invite=TOKEN]` shows the form (with the invitation as a
 * hidden field `invite`) or a clear page for an unusable link;
 * `POST /signup` creates the account under `SIGNUP_POLICY`.
 */
export const handler: Handlers<SignupData> = {
  async GET(req, ctx) {
    const token = ctx.url.searchParams.get("invite");
    const { kv, config } = ctx.deps;
    if (!token) {
      if (config.signupPolicy === "open" || await storeIsEmpty(kv)) {
        return await post.GET!(req, ctx);
      }
      return await ctx.render({
        inviteError: config.signupPolicy === "closed"
          ? "Sign-up is closed on this server."
          : "Signing up needs an invitation. Ask an admin of your team for an invite link.",
        code: config.signupPolicy === "closed"
          ? "signup_closed"
          : "invite_required",
      });
    }
    try {
      const invite = (await findUsableInvite(kv, token)).value;
      if (config.signupPolicy === "closed") {
        return await ctx.render({
          inviteError: "Sign-up is closed on this server.",
          code: "signup_closed",
        }, { status: 403 });
      }
      return await ctx.render({
        invite: token,
        notice: `${invite.createdByName} invited you${
          invite.email ? ` (${invite.email})` : ""
        }.`,
        providers: providerChoices(config),
      });
    } catch (err) {
      if (!(err instanceof GoneError)) throw err;
      return await ctx.render(
        { inviteError: err.message, code: err.code },
        { status: err.status },
      );
    }
  },
  POST: post.POST,
};

export default function SignupPage({ data }: PageProps<SignupData>) {
  if (data.inviteError) {
    return (
      <section class="card narrow auth">
        <h1>Invitation needed</h1>
        <p class="form-error" role="alert" data-error-code={data.code}>
          {data.inviteError}
        </p>
        <p class="switch">
          Already have an account? <a href="/login">Log in</a>
        </p>
      </section>
    );
  }
  return <LoginWithProviders mode="signup" data={data} />;
}
