import type { ProviderChoice } from "../lib/auth/oauth/providers.ts";
import { AuthForm, type AuthFormData } from "./auth_form.tsx";

/**
 * "Continue with …" links for the configured providers (plain links: they
 * work without JavaScript). Renders nothing when none are configured.
 */
export function ProviderLinks(
  { providers, next, invite }: {
    providers?: ProviderChoice[];
    next?: string;
    /** An invitation token to carry through the provider sign-up. */
    invite?: string;
  },
) {
  if (!providers?.length) return null;
  const params = new URLSearchParams();
  if (next) params.set("next", next);
  if (invite) params.set("invite", invite);
  const query = params.size ? `?${params}` : "";
  return (
    <nav class="providers" aria-label="Sign in with another account">
      <link rel="stylesheet" href="/auth_oauth.css" />
      <p class="hint or">or</p>
      {providers.map((p) => (
        <a
          href={`/auth/${p.id}${query}`}
          class={`provider provider-${p.id}`}
          data-provider={p.id}
        >
          Continue with {p.label}
        </a>
      ))}
    </nav>
  );
}

/** Login page data plus the provider buttons. */
export interface LoginPageData extends AuthFormData {
  providers?: ProviderChoice[];
  /** Machine-readable error code (e.g. `oauth_state_missing`), for tests. */
  code?: string;
}

/** The login page: password form, then provider buttons. */
export function LoginWithProviders(
  { data, mode = "login" }: { data: LoginPageData; mode?: "login" | "signup" },
) {
  return (
    <AuthForm mode={mode} data={data}>
      {data.code && <span hidden data-error-code={data.code} />}
      <ProviderLinks
        providers={data.providers}
        next={data.next}
        invite={data.invite}
      />
    </AuthForm>
  );
}
