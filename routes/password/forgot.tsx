import type { Handlers, PageProps } from "../../lib/web/types.ts";
import { requestReset, resetUrl } from "../../lib/auth/password_reset.ts";
import { sendResetMail } from "../../lib/auth/account_mail.ts";
import { readForm } from "../../lib/web/body.ts";
import { handleForm } from "../../lib/web/form_page.ts";

interface Data {
  sent?: boolean;
  error?: string;
}

/**
 * `/password/forgot`: POST `login` (a username or an email) always answers
 * the same page (no account enumeration) and mails a reset link to the
 * account's verified address when there is one.
 */
export const handler: Handlers<Data> = {
  GET: (_req, ctx) => ctx.render({}),
  async POST(req, ctx) {
    const { kv, config } = ctx.deps;
    const form = await readForm(req, config.maxBodyBytes);
    return await handleForm(ctx, async () => {
      const mail = await requestReset(kv, config, form.login, ctx.remoteAddr);
      if (mail) {
        try {
          await sendResetMail(ctx.deps, {
            owner: mail.user.username,
            to: mail.to,
            url: resetUrl(config.appUrl, mail.token),
          });
        } catch (err) {
          console.error("password reset mail failed", err);
        }
      }
      return await ctx.render({ sent: true });
    }, (f) => ({ error: f.error }));
  },
};

export default function ForgotPage({ data }: PageProps<Data>) {
  return (
    <section class="card narrow auth">
      <h1>Forgot your password?</h1>
      {data.error && <p class="form-error" role="alert">{data.error}</p>}
      {data.sent
        ? (
          <p class="notice" role="status">
            If an account with a verified email address matches, we have sent it
            a link to set a new password. The link works for 30 minutes.
          </p>
        )
        : (
          <form method="post" action="/password/forgot">
            <label for="login">Username or email</label>
            <input
              id="login"
              name="login"
              autocomplete="username"
              required
              maxLength={254}
              autofocus
            />
            <button type="submit" class="primary">Send me a reset link</button>
          </form>
        )}
      <p class="switch">
        <a href="/login">Back to log in</a>
      </p>
    </section>
  );
}
