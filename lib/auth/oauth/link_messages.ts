/**
 * Messages for `/settings?error=<code>&provider=<id>` after a linking flow.
 * @module
 */

/** The sentence Settings shows for a failed linking flow. */
export function linkErrorMessage(code: string, label: string): string {
  switch (code) {
    case "identity_taken":
      return `This ${label} account is already linked to another user.`;
    case "provider_already_linked":
      return `Another ${label} account is already linked. Unlink it first.`;
    case "oauth_provider_denied":
      return `Linking ${label} was cancelled.`;
    case "oauth_state_missing":
    case "oauth_state_expired":
    case "oauth_state_mismatch":
      return `That ${label} sign-in link was already used or has expired. Nothing was changed.`;
    case "oauth_link_mismatch":
      return "Linking was started by another session. Please try again.";
    default:
      return `Linking ${label} failed. Please try again.`;
  }
}
