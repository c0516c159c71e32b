/** Settings: change the password (or set a first one). */
export function PasswordSection(
  { hasPassword, fields }: {
    hasPassword: boolean;
    fields?: Record<string, string>;
  },
) {
  return (
    <section aria-labelledby="password-h">
      <h2 id="password-h">
        {hasPassword ? "Change password" : "Set a password"}
      </h2>
      <p class="hint">
        This signs out every other session.
      </p>
      <form method="post" action="/settings" class="stacked">
        <input type="hidden" name="action" value="password" />
        <input type="hidden" name="username" autocomplete="username" />
        {hasPassword && (
          <>
            <label for="currentPassword">Current password</label>
            <input
              id="currentPassword"
              name="currentPassword"
              type="password"
              autocomplete="current-password"
              required
              aria-invalid={fields?.currentPassword ? "true" : undefined}
            />
            {fields?.currentPassword && (
              <p class="field-error">{fields.currentPassword}</p>
            )}
          </>
        )}
        <label for="newPassword">New password</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          minLength={8}
          required
          aria-invalid={fields?.password ? "true" : undefined}
        />
        {fields?.password && <p class="field-error">{fields.password}</p>}
        <button type="submit">
          {hasPassword ? "Change password" : "Set password"}
        </button>
      </form>
    </section>
  );
}
