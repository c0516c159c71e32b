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
import { profileOf, updateProfile } from "../../lib/auth/profile.ts";
import { sendVerifyMail } from "../../lib/auth/account_mail.ts";
import { changePassword } from "../../lib/auth/password_change.ts";
import {
  endSessions,
  listSessions,
  type SessionView,
} from "../../lib/auth/user_sessions.ts";
import { deleteAccount } from "../../lib/auth/leave.ts";
import { endSessionCookie } from "../../lib/auth/session_cookie.ts";
import type { User } from "../../lib/auth/users.ts";
import { ProfileSection } from "../../components/settings/profile_section.tsx";
import { PasswordSection } from "../../components/settings/password_section.tsx";
import { SessionsSection } from "../../components/settings/sessions_section.tsx";
import { LeaveSection } from "../../components/settings/leave_section.tsx";
import { linkErrorMessage } from "../../lib/auth/oauth/link_messages.ts";

interface SettingsData {
  user: ReturnType<typeof profileOf>;
  rows: { provider: ProviderChoice; linked?: LinkedIdentity }[];
  sessions: SessionView[];
  notice?: string;
  error?: string;
  fields?: Record<string, string>;
}

const NOTICES: Record<string, string> = {
  profile: "Your profile was saved.",
  verify:
    "Your profile was saved. We mailed a verification link to your new address.",
  password: "Your password was changed. Every other session was signed out.",
  sessions: "The session was logged out.",
  others: "Every other session was logged out.",
};

async function load(
  kv: Deno.Kv,
  config: Parameters<typeof providerChoices>[0],
  user: User,
  sessionId: string,
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
    user: profileOf(user),
    rows,
    sessions: await listSessions(kv, user.id, sessionId),
    notice: linkedLabel
      ? `${linkedLabel} is now linked to your account.`
      : unlinkedLabel
      ? `${unlinkedLabel} is no longer linked.`
      : NOTICES[q.get("saved") ?? ""],
    error: q.get("error") && errorLabel
      ? linkErrorMessage(q.get("error")!, errorLabel)
      : undefined,
  };
}

export const handler: Handlers<SettingsData> = {
  async GET(_req, ctx) {
    const { kv, config } = ctx.deps;
    return await ctx.render(
      await load(kv, config, ctx.state.user!, ctx.state.session!.id, ctx.url),
    );
  },
  async POST(req, ctx) {
    const { kv, config, bus } = ctx.deps;
    const user = ctx.state.user!;
    const session = ctx.state.session!;
    const form = await readForm(req, config.maxBodyBytes);
    const page = await load(
      kv,
      config,
      user,
      session.id,
      new URL("/settings", ctx.url),
    );
    return await handleForm(ctx, async () => {
      switch (form.action) {
        case "profile": {
          const input: Record<string, unknown> = {
            displayName: form.displayName,
          };
          if ((form.email ?? "") !== (user.email ?? "")) {
            input.email = form.email;
          }
          const r = await updateProfile(kv, user.id, input);
          if (r.verifyToken) {
            await sendVerifyMail(ctx.deps, r.user, r.verifyToken);
          }
          return redirect(
            `/settings?saved=${r.verifyToken ? "verify" : "profile"}`,
          );
        }
        case "password": {
          const u = await changePassword(kv, user, {
            currentPassword: form.currentPassword,
            newPassword: form.newPassword,
          });
          await endSessions(kv, bus, u, "others", session.id);
          return redirect("/settings?saved=password");
        }
        case "logout_session": {
          await endSessions(kv, bus, user, { id: String(form.session ?? "") });
          if (form.session === session.id) {
            return redirect("/login", 303, {
              "set-cookie": endSessionCookie(config),
            });
          }
          return redirect("/settings?saved=sessions");
        }
        case "logout_others":
          await endSessions(kv, bus, user, "others", session.id);
          return redirect("/settings?saved=others");
        case "delete":
          await deleteAccount(kv, bus, user, session, {
            password: form.password,
          });
          return redirect("/login", 303, {
            "set-cookie": endSessionCookie(config),
          });
        case "unlink": {
          const provider = findProvider(config, String(form.provider ?? ""));
          if (!provider) {
            throw new BadRequestError("Choose a provider to unlink.");
          }
          await unlinkIdentity(kv, user.id, provider.id, provider.label);
          return redirect(`/settings?unlinked=${provider.id}`);
        }
        default:
          throw new BadRequestError("Unknown settings action.");
      }
    }, (f) => ({ ...page, error: f.error, fields: f.fields }));
  },
};

export default function SettingsPage({ data }: PageProps<SettingsData>) {
  const u = data.user;
  return (
    <section class="card settings">
      <link rel="stylesheet" href="/auth_oauth.css" />
      <link rel="stylesheet" href="/accounts.css" />
      <h1>Settings</h1>
      <p>
        Signed in as <strong>{u.username}</strong>. {u.hasPassword
          ? "You can sign in with your password."
          : "This account has no password."}
      </p>
      <div aria-live="polite">
        {data.notice && <p class="notice" role="status">{data.notice}</p>}
        {data.error && <p class="form-error" role="alert">{data.error}</p>}
      </div>
      <ProfileSection
        username={u.username}
        displayName={u.displayName}
        email={u.email}
        emailVerified={u.emailVerified}
        fields={data.fields}
      />
      <PasswordSection hasPassword={u.hasPassword} fields={data.fields} />
      <SessionsSection sessions={data.sessions} />
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
      <LeaveSection hasPassword={u.hasPassword} fields={data.fields} />
    </section>
  );
}
