import type { Handlers, PageProps } from "../../lib/web/types.ts";
import { directory, type PersonView } from "../../lib/auth/directory.ts";
import { openDm } from "../../lib/chat/rooms.ts";
import { chatFor } from "../../lib/chat/service.ts";
import { readForm } from "../../lib/web/body.ts";
import { redirect } from "../../lib/web/error_response.ts";
import { Avatar } from "../../components/avatar.tsx";

interface Data {
  me: string;
  q: string;
  people: PersonView[];
}

/**
 * `/people`: the members with display name and presence (`?q=` filters);
 * "Message" opens the direct-message room with that member.
 */
export const handler: Handlers<Data> = {
  async GET(_req, ctx) {
    const q = (ctx.url.searchParams.get("q") ?? "").slice(0, 64);
    return await ctx.render({
      me: ctx.state.user!.username,
      q,
      people: await directory(ctx.deps.kv, ctx.deps.bus, q),
    });
  },
  async POST(req, ctx) {
    const form = await readForm(req, ctx.deps.config.maxBodyBytes);
    const me = ctx.state.user!.username;
    const other = String(form.username ?? "").trim().toLowerCase();
    const room = await openDm(
      ctx.deps.kv,
      me,
      other,
      chatFor(ctx.deps).userExists,
    );
    ctx.deps.bus.publish(`user:${other}`, {
      type: "room_added",
      room: room.id,
    });
    return redirect(`/chat/${room.id}`);
  },
};

export default function PeoplePage({ data }: PageProps<Data>) {
  return (
    <section class="card people">
      <link rel="stylesheet" href="/accounts.css" />
      <h1>People</h1>
      <form method="get" action="/people" role="search" class="inline">
        <label for="people-q" class="sr-only">Search people</label>
        <input
          id="people-q"
          name="q"
          type="search"
          value={data.q}
          placeholder="Search by name"
          maxLength={64}
        />
        <button type="submit">Search</button>
      </form>
      <ul class="people-list">
        {data.people.map((p) => (
          <li data-username={p.username}>
            <Avatar username={p.username} name={p.displayName} />
            <span class="person">
              <strong>{p.displayName}</strong>{" "}
              <span class="hint">@{p.username}</span>{" "}
              <span
                class={p.online ? "presence online" : "presence"}
                aria-label={p.online ? "online" : "offline"}
              >
                {p.online ? "● online" : "○ offline"}
              </span>
            </span>
            {p.username !== data.me && (
              <form method="post" action="/people" class="inline">
                <input type="hidden" name="username" value={p.username} />
                <button type="submit" aria-label={`Message ${p.displayName}`}>
                  Message
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {data.people.length === 0 && <p class="hint">Nobody matches.</p>}
    </section>
  );
}
