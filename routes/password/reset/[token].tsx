import type { Handlers, PageProps } from "../../../lib/web/types.ts";
import {
  checkResetToken,
  resetPassword,
} from "../../../lib/auth/password_reset.ts";
import { endSessions } from "../../../lib/auth/user_sessions.ts";
import { GoneError } from "../../../lib/errors.ts";
import { readForm } from "../../../lib/web/body.ts";
import { handleForm } from "../../../lib/web/form_page.ts";

interface Data {
  token?: string;
  done?: boolean;
  error?: string;
  code?: string;
  fields?: Record<string, string>;
}

/**
 * `/password/reset/:token`: GET shows the form (or why the link is not
 * usable, 410); POST `password` sets it once and ends every session.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const token = ctx.params.token;
    const headers = {
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    };
    try {
      await checkResetToken(ctx.deps.kv, token);
      return await ctx.render({ token }, { headers });
    } catch (err) {
      if (!(err instanceof GoneError)) throw err;
      return await ctx.render({ error: err.message, code: err.code }, {
        status: 410,
        headers,
      });
    }
  },
  async POST(req, ctx) {
    const { kv, config, bus } = ctx.deps;
    const token = ctx.params.token;
    const form = await readForm(req, config.maxBodyBytes);
    return await handleForm(ctx, async () => {
      const user = await resetPassword(kv, token, form.password);
      await endSessions(kv, bus, user, "all");
      return await ctx.render({ done: true });
    }, (f) => ({
      error: f.error,
      fields: f.fields,
      // A spent link shows no form again.
      token: f.fields ? token : undefined,
    }));
  },
};

export default function ResetPage({ data }: PageProps<Data>) {
  return (
    <section class="card narrow auth">
      <h1>Set a new password</h1>
      {data.error && (
        <p class="form-error" role="alert" data-error-code={data.code}>
          {data.error}
        </p>
      )}
      {data.done && (
        <p class="notice" role="status">
          Your password was changed and every session was signed out.{" "}
          <a href="/login">Log in</a>
        </p>
      )}
      {data.token && (
        <form
          method="post"
          action={`/password/reset/${encodeURIComponent(data.token)}`}
        >
          <label for="password">New password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            aria-describedby="password-hint"
            aria-invalid={data.fields?.password ? "true" : undefined}
          />
          <p class="hint" id="password-hint">At least 8 characters.</p>
          <button type="submit" class="primary">Set password</button>
        </form>
      )}
      {!data.token && !data.done && (
        <p class="switch">
          <a href="/password/forgot">Ask for a new link</a>
        </p>
      )}
    </section>
  );
}
