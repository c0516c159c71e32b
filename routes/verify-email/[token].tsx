import type { Handlers, PageProps } from "../../lib/web/types.ts";
import { verifyEmail } from "../../lib/auth/email_verification.ts";
import { AppError } from "../../lib/errors.ts";

interface Data {
  token?: string;
  done?: string;
  error?: string;
  code?: string;
}

/**
 * `/verify-email/:token`: GET shows one button that POSTs to the same URL
 * (so link scanners that follow GET links cannot verify); only the POST
 * verifies, once.
 */
export const handler: Handlers<Data> = {
  GET(_req, ctx) {
    return ctx.render({ token: ctx.params.token }, {
      headers: {
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    });
  },
  async POST(_req, ctx) {
    try {
      const user = await verifyEmail(ctx.deps.kv, ctx.params.token);
      return await ctx.render({ done: user.email });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return await ctx.render({ error: err.message, code: err.code }, {
        status: err.status,
      });
    }
  },
};

export default function VerifyEmailPage({ data }: PageProps<Data>) {
  return (
    <section class="card narrow auth">
      <h1>Verify your email address</h1>
      {data.done && (
        <p class="notice" role="status">
          Thank you: <strong>{data.done}</strong> is verified.{" "}
          <a href="/settings">Back to settings</a>
        </p>
      )}
      {data.error && (
        <p class="form-error" role="alert" data-error-code={data.code}>
          {data.error}
        </p>
      )}
      {data.token && (
        <form
          method="post"
          action={`/verify-email/${encodeURIComponent(data.token)}`}
        >
          <p>Confirm that this address belongs to you.</p>
          <button type="submit" class="primary">Verify my email address</button>
        </form>
      )}
    </section>
  );
}
