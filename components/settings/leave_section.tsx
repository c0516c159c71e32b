/** Settings: download your data, delete your account. */
export function LeaveSection(
  { hasPassword, fields }: {
    hasPassword: boolean;
    fields?: Record<string, string>;
  },
) {
  return (
    <section aria-labelledby="leave-h">
      <h2 id="leave-h">Your data</h2>
      <p>
        <a class="button" href="/api/me/export" download>
          Download my data (JSON)
        </a>
      </p>
      <form method="post" action="/settings" class="stacked">
        <input type="hidden" name="action" value="delete" />
        <p class="hint">
          Deleting your account removes your contacts, groups, campaigns and
          sessions. Your chat messages stay, shown as from “deleted user”.
          {hasPassword
            ? ""
            : " Accounts without a password need a sign-in within the last 10 minutes."}
        </p>
        {hasPassword && (
          <>
            <label for="deletePassword">Password</label>
            <input
              id="deletePassword"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              aria-invalid={fields?.password ? "true" : undefined}
            />
          </>
        )}
        <button type="submit" class="danger">Delete my account</button>
      </form>
    </section>
  );
}
