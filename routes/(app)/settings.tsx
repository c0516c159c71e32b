import { PageTitle } from "../../lib/web/title.ts";
import type { Handlers, PageProps } from "../../lib/web/types.ts";
import {
  type LinkedIdentity,
  listIdentities,
  unlinkIdentity,
} from "../../lib/auth/oauth/identities.ts";
import {
  findProvider,
  type ProviderChoice,
  providerChoices,
} from "../../lib/auth/oauth/providers.ts";
import { BadRequestError } from "../../lib/errors.ts";
import { readForm } from "../../lib/web/body.ts";
import { redirect } from "../../lib/web/error_response.ts";
import { handleForm } from "../../lib/web/form_page.ts";

interface SettingsData {
  username: string;
  hasPassword: boolean;
  rows: { provider: ProviderChoice; linked?: LinkedIdentity }[];
  notice?: string;
  error?: string;
}

/** Messages for `?error=<code>&provider=<id>` after a linking flow. */
function linkErrorMessage(code: string, label: string): string {
  switch (code) {
    case "identity_taken":
      return `This ${label} account is already linked to another user.`;
    case "provider_already_linked":
      return `Another ${label} account is already linked. Unlink it first.`;
    case "oauth_provider_denied":
      return `Linking ${label} was cancelled.`;
    case "oauth_state_missing":
    case "oauth_state_expired":
    case "oauth_state_mismatch":
      return `That ${label} sign-in link was already used or has expired. Nothing was changed.`;
    case "oauth_link_mismatch":
      return "Linking was started by another session. Please try again.";
    default:
      return `Linking ${label} failed. Please try again.`;
  }
}

async function load(
  kv: Deno.Kv,
  config: Parameters<typeof providerChoices>[0],
  user: { id: string; username: string; passwordHash?: string },
  url: URL,
): Promise<SettingsData> {
  const linked = await listIdentities(kv, user.id);
  const rows = providerChoices(config).map((provider) => ({
    provider,
    linked: linked.find((l) => l.provider === provider.id),
  }));
  const q = url.searchParams;
  const label = (id: string | null) =>
    rows.find((r) => r.provider.id === id)?.provider.label;
  const linkedLabel = label(q.get("linked"));
  const unlinkedLabel = label(q.get("unlinked"));
  const errorLabel = label(q.get("provider"));
  return {
    username: user.username,
    hasPassword: Boolean(user.passwordHash),
    rows,
    notice: linkedLabel
      ? `${linkedLabel} is now linked to your account.`
      : unlinkedLabel
      ? `${unlinkedLabel} is no longer linked.`
      : undefined,
    error: q.get("error") && errorLabel
      ? linkErrorMessage(q.get("error")!, errorLabel)
      : undefined,
  };
}

export const handler: Handlers<SettingsData> = {
  async GET(_req, ctx) {
    const { kv, config } = ctx.deps;
    return await ctx.render(await load(kv, config, ctx.state.user!, ctx.url));
  },
  async POST(req, ctx) {
    const { kv, config } = ctx.deps;
    const user = ctx.state.user!;
    const form = await readForm(req, config.maxBodyBytes);
    const page = await load(kv, config, user, new URL("/settings", ctx.url));
    return await handleForm(ctx, async () => {
      const provider = findProvider(config, String(form.provider ?? ""));
      if (form.action !== "unlink" || !provider) {
        throw new BadRequestError("Choose a provider to unlink.");
      }
      await unlinkIdentity(kv, user.id, provider.id, provider.label);
      return redirect(`/settings?unlinked=${provider.id}`);
    }, (f) => ({ ...page, error: f.error }));
  },
};

export default function SettingsPage({ data }: PageProps<SettingsData>) {
  return (
    <section class="card settings">
      <link rel="stylesheet" href="/auth_oauth.css" />
      <PageTitle text="Settings" />
      <h1>Settings</h1>
      <p>
        Signed in as <strong>{data.username}</strong>. {data.hasPassword
          ? "You can sign in with your password."
          : "This account has no password."}
      </p>
      <div aria-live="polite">
        {data.notice && <p class="notice" role="status">{data.notice}</p>}
        {data.error && <p class="form-error" role="alert">{data.error}</p>}
      </div>
      <h2>Sign-in providers</h2>
      {data.rows.length === 0
        ? (
          <p class="hint">
            No sign-in providers are configured on this server.
          </p>
        )
        : (
          <ul class="linked-providers">
            {data.rows.map(({ provider, linked }) => (
              <li data-provider={provider.id}>
                <span class="provider-name">{provider.label}</span>
                {linked
                  ? (
                    <>
                      <span class="provider-state">
                        Linked{linked.displayName
                          ? ` as ${linked.displayName}`
                          : ""}
                      </span>
                      <form method="post" action="/settings" class="inline">
                        <input type="hidden" name="action" value="unlink" />
                        <input
                          type="hidden"
                          name="provider"
                          value={provider.id}
                        />
                        <button
                          type="submit"
                          class="danger"
                          aria-label={`Unlink ${provider.label}`}
                        >
                          Unlink
                        </button>
                      </form>
                    </>
                  )
                  : (
                    <>
                      <span class="provider-state">Not linked</span>
                      <a
                        class="button"
                        href={`/auth/${provider.id}?link=1`}
                        aria-label={`Link ${provider.label}`}
                      >
                        Link
                      </a>
                    </>
                  )}
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
