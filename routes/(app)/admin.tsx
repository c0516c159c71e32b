import type { Handlers, PageProps } from "../../lib/web/types.ts";
import {
  assertAdmin,
  listMembers,
  type MemberRow,
  updateMember,
} from "../../lib/auth/admin.ts";
import {
  createInvite,
  inviteUrl,
  type InviteView,
  inviteView,
  listInvites,
  revokeInvite,
} from "../../lib/auth/invites.ts";
import { sendInviteMail } from "../../lib/auth/account_mail.ts";
import { BadRequestError } from "../../lib/errors.ts";
import { readForm } from "../../lib/web/body.ts";
import { redirect } from "../../lib/web/error_response.ts";
import { handleForm } from "../../lib/web/form_page.ts";
import { Avatar } from "../../components/avatar.tsx";

interface AdminData {
  me: string;
  members: MemberRow[];
  invites: InviteView[];
  newInvite?: string;
  notice?: string;
  error?: string;
}

async function load(
  kv: Deno.Kv,
  user: Parameters<typeof listMembers>[1],
): Promise<AdminData> {
  return {
    me: user.username,
    members: await listMembers(kv, user),
    invites: (await listInvites(kv, user)).map((i) => inviteView(i)),
  };
}

/** `/admin`: members (role, status, last seen) and invitations; admins only (403). */
export const handler: Handlers<AdminData> = {
  async GET(_req, ctx) {
    assertAdmin(ctx.state.user);
    const data = await load(ctx.deps.kv, ctx.state.user);
    const done = ctx.url.searchParams.get("done");
    if (done) data.notice = `Saved: ${done.slice(0, 80)}.`;
    return await ctx.render(data);
  },
  async POST(req, ctx) {
    const user = ctx.state.user;
    assertAdmin(user);
    const { kv, config, bus } = ctx.deps;
    const form = await readForm(req, config.maxBodyBytes);
    const page = await load(kv, user);
    return await handleForm(ctx, async () => {
      const target = String(form.username ?? "");
      switch (form.action) {
        case "deactivate":
        case "reactivate":
          await updateMember(kv, bus, user, target, {
            active: form.action === "reactivate",
          });
          return redirect(
            `/admin?done=${encodeURIComponent(`${target} ${form.action}d`)}`,
          );
        case "promote":
        case "demote":
          await updateMember(kv, bus, user, target, {
            role: form.action === "promote" ? "admin" : "member",
          });
          return redirect(
            `/admin?done=${encodeURIComponent(`${target} ${form.action}d`)}`,
          );
        case "invite": {
          const { invite, token } = await createInvite(kv, config, user, {
            email: form.email || undefined,
            uses: form.uses ? Number(form.uses) : undefined,
          });
          const url = inviteUrl(config.appUrl, token);
          if (invite.email) {
            await sendInviteMail(ctx.deps, {
              inviter: user.username,
              to: invite.email,
              url,
              expiresAt: invite.expiresAt,
            }).catch((err) => console.error("invitation mail failed", err));
          }
          return await ctx.render({
            ...(await load(kv, user)),
            newInvite: url,
          });
        }
        case "revoke":
          await revokeInvite(kv, user, String(form.id ?? ""));
          return redirect("/admin?done=invitation%20revoked");
        default:
          throw new BadRequestError("Unknown admin action.");
      }
    }, (f) => ({ ...page, error: f.error }));
  },
};

function MemberActions({ m, me }: { m: MemberRow; me: string }) {
  const act = (action: string, label: string, danger = false) => (
    <form method="post" action="/admin" class="inline">
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="username" value={m.username} />
      <button
        type="submit"
        class={danger ? "danger" : undefined}
        aria-label={`${label} ${m.username}`}
      >
        {label}
      </button>
    </form>
  );
  return (
    <>
      {m.role === "member"
        ? act("promote", "Make admin")
        : act("demote", "Make member")}
      {m.status === "active"
        ? (m.username !== me && act("deactivate", "Deactivate", true))
        : act("reactivate", "Reactivate")}
    </>
  );
}

export default function AdminPage({ data }: PageProps<AdminData>) {
  return (
    <section class="card admin">
      <link rel="stylesheet" href="/accounts.css" />
      <h1>Administration</h1>
      <div aria-live="polite">
        {data.notice && <p class="notice" role="status">{data.notice}</p>}
        {data.error && <p class="form-error" role="alert">{data.error}</p>}
      </div>
      <h2>Members</h2>
      <div class="table-scroll">
        <table class="members">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr data-username={m.username} data-status={m.status}>
                <td>
                  <Avatar username={m.username} name={m.displayName} />{" "}
                  {m.displayName} <span class="hint">@{m.username}</span>
                </td>
                <td>{m.role}</td>
                <td>{m.status}</td>
                <td>
                  {m.lastSeenAt
                    ? m.lastSeenAt.slice(0, 16).replace("T", " ")
                    : "never"}
                </td>
                <td>
                  <MemberActions m={m} me={data.me} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Invitations</h2>
      {data.newInvite && (
        <p class="notice" role="status">
          New invitation link (shown once):{" "}
          <input
            readOnly
            aria-label="Invitation link"
            class="invite-link"
            value={data.newInvite}
          />
        </p>
      )}
      <form method="post" action="/admin" class="stacked">
        <input type="hidden" name="action" value="invite" />
        <label for="invite-email">Email (optional: the link is mailed)</label>
        <input id="invite-email" name="email" type="email" maxLength={254} />
        <label for="invite-uses">Number of sign-ups</label>
        <input
          id="invite-uses"
          name="uses"
          type="number"
          min={1}
          max={100}
          value="1"
        />
        <button type="submit" class="primary">Create invitation link</button>
      </form>
      <ul class="invites">
        {data.invites.map((i) => (
          <li data-invite={i.id} data-status={i.status}>
            {i.email ?? "Link"} by {i.createdBy}: {i.status},{" "}
            {i.usesLeft}/{i.maxUses} left, until{" "}
            {i.expiresAt.slice(0, 16).replace("T", " ")}
            {i.status === "active" && (
              <form method="post" action="/admin" class="inline">
                <input type="hidden" name="action" value="revoke" />
                <input type="hidden" name="id" value={i.id} />
                <button type="submit" class="danger">Revoke</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
