/**
 * Typed errors of the OAuth / OpenID Connect sign-in flow. Each carries a
 * stable `code` and a message that can be shown on the login page as is.
 * @module
 */
import { AppError } from "../../errors.ts";

/** Why a sign-in through a provider failed. */
export type OAuthFailure =
  | "provider_denied"
  | "provider_error"
  | "state_missing"
  | "state_mismatch"
  | "state_expired"
  | "token_exchange_failed"
  | "identity_invalid"
  | "provider_unavailable"
  | "link_mismatch";

/** Base class for every failure of the OAuth flow (HTTP 400). */
export class OAuthError extends AppError {
  /** What went wrong, for tests and logs. */
  readonly failure: OAuthFailure;
  constructor(failure: OAuthFailure, message: string, status = 400) {
    super(status, `oauth_${failure}`, message);
    this.failure = failure;
  }
}

/** The provider answered with `error=...` (for example `access_denied`). */
export class ProviderDeniedError extends OAuthError {
  /** The provider's own error code, e.g. `access_denied`. */
  readonly providerError: string;
  constructor(providerLabel: string, providerError: string) {
    super(
      providerError === "access_denied" ? "provider_denied" : "provider_error",
      providerError === "access_denied"
        ? `Sign-in with ${providerLabel} was cancelled or not allowed. You are not signed in.`
        : `${providerLabel} could not sign you in (${
          providerError.slice(0, 60)
        }). Please try again.`,
    );
    this.providerError = providerError;
  }
}

/** No flow record for this browser: never started, already used, or gone. */
export class StateMissingError extends OAuthError {
  constructor() {
    super(
      "state_missing",
      "This sign-in link has already been used or has expired. Please start again.",
    );
  }
}

/** The `state` in the callback does not match the flow record. */
export class StateMismatchError extends OAuthError {
  constructor() {
    super(
      "state_mismatch",
      "The sign-in response did not match your sign-in attempt. Please start again.",
    );
  }
}

/** The flow record is older than its 10-minute lifetime. */
export class StateExpiredError extends OAuthError {
  constructor() {
    super(
      "state_expired",
      "Your sign-in attempt took too long and has expired. Please start again.",
    );
  }
}

/** The provider refused the authorization code (or answered nonsense). */
export class TokenExchangeError extends OAuthError {
  constructor(providerLabel: string) {
    super(
      "token_exchange_failed",
      `${providerLabel} did not accept the sign-in. Please start again.`,
    );
  }
}

/** The ID token or user profile failed validation. */
export class IdentityInvalidError extends OAuthError {
  constructor(providerLabel: string) {
    super(
      "identity_invalid",
      `The identity returned by ${providerLabel} could not be verified. You are not signed in.`,
    );
  }
}

/** Discovery or another request to the provider failed (HTTP 502). */
export class ProviderUnavailableError extends OAuthError {
  constructor(providerLabel: string) {
    super(
      "provider_unavailable",
      `${providerLabel} cannot be reached right now. Please try again later.`,
      502,
    );
  }
}

/** A linking flow came back to a different signed-in user (or none). */
export class LinkMismatchError extends OAuthError {
  constructor() {
    super(
      "link_mismatch",
      "Linking was started by another session. Sign in and try again from Settings.",
    );
  }
}
