/**
 * GitHub is OAuth 2.0 without OpenID Connect: the identity comes from the
 * REST API (`GET /user`) with the access token.
 * @module
 */
import { IdentityInvalidError, ProviderUnavailableError } from "./errors.ts";
import type { ProviderIdentity } from "./identity.ts";
import type { Provider } from "./providers.ts";

interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
  email?: string | null;
}

/** Reads the signed-in GitHub user; `subject` is the numeric user id. */
export async function fetchGitHubIdentity(
  provider: Provider,
  accessToken: string,
): Promise<ProviderIdentity> {
  const api = provider.github!.apiUrl;
  const url = new URL(api.pathname.replace(/\/$/, "") + "/user", api);
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${accessToken}`,
        "user-agent": "rt-messenger",
        "x-github-api-version": "2022-11-28",
      },
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    console.error("GitHub user API failed:", String(err));
    throw new ProviderUnavailableError(provider.label);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new IdentityInvalidError(provider.label);
  }
  let user: GitHubUser;
  try {
    user = await res.json();
  } catch {
    throw new IdentityInvalidError(provider.label);
  }
  if (
    !Number.isSafeInteger(user?.id) || user.id <= 0 ||
    typeof user.login !== "string"
  ) {
    throw new IdentityInvalidError(provider.label);
  }
  return {
    provider: "github",
    subject: String(user.id),
    preferredUsername: user.login,
    email: typeof user.email === "string" ? user.email : undefined,
    name: typeof user.name === "string" ? user.name : undefined,
  };
}
