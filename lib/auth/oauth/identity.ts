/**
 * The identity a provider reports: shared by the flow, the GitHub adapter
 * and the identity links (its own module, so they do not import each other).
 * @module
 */
import type { ProviderId } from "./providers.ts";

/** Who the provider says signed in. */
export interface ProviderIdentity {
  provider: ProviderId;
  /** Stable id at the provider (OIDC `sub`, GitHub numeric user id). */
  subject: string;
  /** `preferred_username` or GitHub login, if any. */
  preferredUsername?: string;
  email?: string;
  name?: string;
}
