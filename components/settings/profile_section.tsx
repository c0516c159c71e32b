import { Avatar } from "../avatar.tsx";

/** Settings: display name and email (plain form, no JavaScript). */
export function ProfileSection(
  { username, displayName, email, emailVerified, fields }: {
    username: string;
    displayName: string;
    email: string | null;
    emailVerified: boolean;
    fields?: Record<string, string>;
  },
) {
  return (
    <section aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      <p class="profile-head">
        <Avatar username={username} name={displayName} size={48} />
        <span>
          <strong data-testid="display-name">{displayName}</strong>
          <span class="hint">@{username}</span>
        </span>
      </p>
      <form method="post" action="/settings" class="stacked">
        <input type="hidden" name="action" value="profile" />
        <label for="displayName">Display name</label>
        <input
          id="displayName"
          name="displayName"
          required
          maxLength={64}
          value={displayName}
          autocomplete="name"
          aria-invalid={fields?.displayName ? "true" : undefined}
        />
        {fields?.displayName && <p class="field-error">{fields.displayName}</p>}
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          maxLength={254}
          value={email ?? ""}
          autocomplete="email"
          aria-describedby="email-state"
          aria-invalid={fields?.email ? "true" : undefined}
        />
        <p class="hint" id="email-state" data-verified={String(emailVerified)}>
          {!email
            ? "No email yet: add one to be able to reset your password."
            : emailVerified
            ? "Verified."
            : "Not verified yet: open the link we mailed you."}
        </p>
        {fields?.email && <p class="field-error">{fields.email}</p>}
        <button type="submit" class="primary">Save profile</button>
      </form>
    </section>
  );
}
