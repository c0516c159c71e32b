/**
 * A local stand-in for GitHub's OAuth endpoints (no network in tests):
 * `GET /login/oauth/authorize`, `POST /login/oauth/access_token` (client
 * secret via HTTP Basic or form, PKCE S256 checked like GitHub does) and
 * `GET /user`, on 127.0.0.1 at a random port. Point the app at it with
 * GITHUB_AUTHORIZE_URL, GITHUB_TOKEN_URL and GITHUB_API_URL.
 * @module
 */

/** The GitHub user the stand-in signs in. */
export interface StandInUser {
  id: number;
  login: string;
  name?: string | null;
  email?: string | null;
}

/** A running GitHub stand-in. */
export interface GitHubStandIn {
  origin: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorize request. */
  user: StandInUser;
  /** When set, the next authorize answers `error=<deny>` instead. */
  deny?: string;
  close(): Promise<void>;
}

interface Grant {
  user: StandInUser;
  redirectUri: string;
  challenge: string;
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Starts the stand-in; `user` is who signs in by default. */
export function startGitHubStandIn(user: StandInUser): GitHubStandIn {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, StandInUser>();
  const clientId = "gh-client";
  const clientSecret = "gh-secret-" + crypto.randomUUID();
  const json = (body: unknown, status = 200) => Response.json(body, { status });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/login/oauth/authorize" && req.method === "GET") {
        const q = url.searchParams;
        const redirect = new URL(q.get("redirect_uri") ?? "");
        if (q.get("client_id") !== clientId) {
          return new Response("unknown client", { status: 404 });
        }
        if (q.get("code_challenge_method") !== "S256") {
          return new Response("S256 required", { status: 400 });
        }
        redirect.searchParams.set("state", q.get("state") ?? "");
        if (standIn.deny) {
          redirect.searchParams.set("error", standIn.deny);
          redirect.searchParams.set("error_description", "The user denied.");
        } else {
          const code = crypto.randomUUID();
          codes.set(code, {
            user: standIn.user,
            redirectUri: q.get("redirect_uri")!,
            challenge: q.get("code_challenge") ?? "",
          });
          redirect.searchParams.set("code", code);
        }
        return Response.redirect(redirect, 302);
      }
      if (
        url.pathname === "/login/oauth/access_token" && req.method === "POST"
      ) {
        const form = new URLSearchParams(await req.text());
        const basic = req.headers.get("authorization")?.replace(/^Basic /, "");
        const [id, secret] = basic
          ? atob(basic).split(":").map(decodeURIComponent)
          : [form.get("client_id"), form.get("client_secret")];
        if (id !== clientId || secret !== clientSecret) {
          return json({ error: "incorrect_client_credentials" }, 401);
        }
        const code = form.get("code") ?? "";
        const grant = codes.get(code);
        codes.delete(code);
        if (
          !grant || grant.redirectUri !== form.get("redirect_uri") ||
          grant.challenge !== await s256(form.get("code_verifier") ?? "")
        ) {
          // Like GitHub: a bad code is a 200 with an error body.
          return json({ error: "bad_verification_code" });
        }
        const token = "gho_" + crypto.randomUUID().replaceAll("-", "");
        tokens.set(token, grant.user);
        return json({ access_token: token, token_type: "bearer", scope: "" });
      }
      if (url.pathname === "/user" && req.method === "GET") {
        const token = req.headers.get("authorization")?.replace(
          /^Bearer /,
          "",
        );
        const who = token && tokens.get(token);
        if (!who) return json({ message: "Bad credentials" }, 401);
        return json(who);
      }
      return new Response("not found", { status: 404 });
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const standIn: GitHubStandIn = {
    origin,
    authorizeUrl: `${origin}/login/oauth/authorize`,
    tokenUrl: `${origin}/login/oauth/access_token`,
    apiUrl: origin,
    clientId,
    clientSecret,
    user,
    close: () => server.shutdown(),
  };
  return standIn;
}
