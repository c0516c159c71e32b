import type { SessionView } from "../../lib/auth/user_sessions.ts";

/** Settings: the user's sessions with "log out" buttons. */
export function SessionsSection({ sessions }: { sessions: SessionView[] }) {
  return (
    <section aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      <div class="table-scroll">
        <table class="sessions">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr data-session={s.id}>
                <td>
                  {s.userAgent || "Unknown device"}{" "}
                  {s.current && <strong>(this session)</strong>}
                </td>
                <td>{s.ip || "—"}</td>
                <td>
                  <time dateTime={s.createdAt}>
                    {s.createdAt.slice(0, 16).replace("T", " ")}
                  </time>
                </td>
                <td>
                  <time dateTime={s.lastSeenAt}>
                    {s.lastSeenAt.slice(0, 16).replace("T", " ")}
                  </time>
                </td>
                <td>
                  <form method="post" action="/settings" class="inline">
                    <input type="hidden" name="action" value="logout_session" />
                    <input type="hidden" name="session" value={s.id} />
                    <button type="submit" class="danger">
                      {s.current ? "Log out" : "Log out this session"}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.length > 1 && (
        <form method="post" action="/settings">
          <input type="hidden" name="action" value="logout_others" />
          <button type="submit" class="danger">
            Log out all other sessions
          </button>
        </form>
      )}
    </section>
  );
}
