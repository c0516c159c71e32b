/**
 * Shared handling of HTML form posts: AppErrors become a re-rendered page
 * with the reason and the error's status; other errors propagate.
 * @module
 */
import { AppError, TooManyRequestsError } from "../errors.ts";
import type { RouteContext } from "./types.ts";

/** Data a form page shows after a failed post. */
export interface FormFailure {
  error: string;
  fields?: Record<string, string>;
}

/**
 * Runs `action`; on an AppError renders the page with `failure(err)` data
 * and the error's status (400, 409, 429 ...).
 */
export async function handleForm<D>(
  ctx: RouteContext<D>,
  action: () => Promise<Response>,
  failure: (err: FormFailure) => D,
): Promise<Response> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const headers = new Headers();
    if (err instanceof TooManyRequestsError && err.retryAfter) {
      headers.set("retry-after", String(Math.ceil(err.retryAfter)));
    }
    return await ctx.render(
      failure({ error: err.message, fields: err.fields }),
      {
        status: err.status,
        headers,
      },
    );
  }
}
