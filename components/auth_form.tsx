import type { ComponentChildren } from "preact";

/** What the login and sign-up pages render. */
export interface AuthFormData {
  username?: string;
  error?: string;
  fields?: Record<string, string>;
  next?: string;
  /** Sign-up: invitation token, posted back as the field `invite`. */
  invite?: string;
  /** A short note above the form (e.g. who invited you). */
  notice?: string;
}

/** The username/password form shared by login and sign-up (no JavaScript). */
export function AuthForm(
  { mode, data, children }: {
    mode: "login" | "signup";
    data?: AuthFormData;
    children?: ComponentChildren;
  },
) {
  const signup = mode === "signup";
  const title = signup ? "Create your account" : "Log in";
  const action = data?.next
    ? `/${mode}?next=${encodeURIComponent(data.next)}`
    : `/${mode}`;
  const fieldError = (name: string) =>
    data?.fields?.[name] && (
      <p class="field-error" id={`${name}-error`}>
        {data.fields[name]}
      </p>
    );
  return (
    <section class="card narrow auth">
      <h1>{title}</h1>
      {data?.error && (
        <p class="form-error" role="alert">
          {data.error}
        </p>
      )}
      {data?.notice && <p class="notice" role="status">{data.notice}</p>}
      <form method="post" action={action}>
        {data?.invite && (
          <input type="hidden" name="invite" value={data.invite} />
        )}
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          required
          minLength={signup ? 3 : undefined}
          maxLength={32}
          pattern={signup ? "[a-z0-9_.\\-]{3,32}" : undefined}
          value={data?.username ?? ""}
          aria-invalid={data?.fields?.username ? "true" : undefined}
          aria-describedby={data?.fields?.username
            ? "username-error"
            : undefined}
          autofocus
        />
        {signup && <p class="hint">3 to 32 characters: a-z, 0-9, _ . -</p>}
        {fieldError("username")}
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete={signup ? "new-password" : "current-password"}
          required
          minLength={signup ? 8 : undefined}
          aria-invalid={data?.fields?.password ? "true" : undefined}
          aria-describedby={data?.fields?.password
            ? "password-error"
            : undefined}
        />
        {signup && <p class="hint">At least 8 characters.</p>}
        {fieldError("password")}
        {!signup && (
          <p class="hint">
            <a href="/password/forgot">Forgot password?</a>
          </p>
        )}
        <button type="submit" class="primary">
          {signup ? "Sign up" : "Log in"}
        </button>
      </form>
      {children}
      <p class="switch">
        {signup
          ? (
            <>
              Already have an account? <a href="/login">Log in</a>
            </>
          )
          : (
            <>
              New here? <a href="/signup">Create an account</a>
            </>
          )}
      </p>
    </section>
  );
}
