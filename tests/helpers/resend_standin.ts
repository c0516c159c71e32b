/**
 * A local stand-in for Resend's send API (`POST /emails`), implementing its
 * documented request and answer shapes: Bearer key (401 `missing_api_key`,
 * 403 `invalid_api_key`), JSON body with `from`, `to` (array), `subject`,
 * `text`/`html`, `reply_to`, `headers`; `200 {"id"}`; errors as
 * `{"statusCode","name","message"}` (422 `validation_error`, 429
 * `rate_limit_exceeded` with `retry-after`, 500 `internal_server_error`).
 * @module
 */

/** One request as received. */
export interface ResendRequest {
  at: number;
  key: string;
  idempotencyKey: string | null;
  body: {
    from: string;
    to: string[];
    subject: string;
    text?: string;
    html?: string;
    reply_to?: string;
    headers?: Record<string, string>;
  };
}

/** A scripted answer: status, extra headers, body. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** The running stand-in. */
export interface ResendStandin {
  url: string;
  key: string;
  requests: ResendRequest[];
  /** Returns an answer to override the default 200 (called per request). */
  script?: (req: ResendRequest) => ScriptedAnswer | undefined;
  close(): Promise<void>;
}

const json = (status: number, body: unknown, headers = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const error = (statusCode: number, name: string, message: string) => ({
  statusCode,
  name,
  message,
});

/** Starts the stand-in on a random port. */
export function startResendStandin(): Promise<ResendStandin> {
  const key = `re_test_${crypto.randomUUID()}`;
  const ac = new AbortController();
  const { promise, resolve } = Promise.withResolvers<ResendStandin>();
  const standin: ResendStandin = {
    url: "",
    key,
    requests: [],
    async close() {
      ac.abort();
      await server.finished;
    },
  };
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: ac.signal,
    onListen: ({ port }) => {
      standin.url = `http://127.0.0.1:${port}`;
      resolve(standin);
    },
  }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || url.pathname !== "/emails") {
      return json(
        404,
        error(404, "not_found", "The requested endpoint does not exist."),
      );
    }
    const auth = req.headers.get("authorization");
    if (!auth) {
      return json(
        401,
        error(
          401,
          "missing_api_key",
          "Missing API key in the authorization header.",
        ),
      );
    }
    if (auth !== `Bearer ${key}`) {
      return json(403, error(403, "invalid_api_key", "API key is invalid."));
    }
    let body: ResendRequest["body"];
    try {
      body = await req.json();
    } catch {
      return json(422, error(422, "validation_error", "Invalid JSON body."));
    }
    if (
      typeof body.from !== "string" || !Array.isArray(body.to) ||
      body.to.length === 0 || typeof body.subject !== "string" ||
      (typeof body.text !== "string" && typeof body.html !== "string")
    ) {
      return json(
        422,
        error(
          422,
          "missing_required_field",
          "Missing `from`, `to`, `subject` or a body.",
        ),
      );
    }
    const r: ResendRequest = {
      at: Date.now(),
      key,
      idempotencyKey: req.headers.get("idempotency-key"),
      body,
    };
    standin.requests.push(r);
    const scripted = standin.script?.(r);
    if (scripted) return json(scripted.status, scripted.body, scripted.headers);
    return json(200, { id: crypto.randomUUID() });
  });
  return promise;
}
