/**
 * Typed application errors. Domain code throws these; the web layer maps
 * them to HTTP in one place (`lib/web/error_response.ts`).
 * @module
 */

/** Base class: an error whose message is safe to show to the user. */
export class AppError extends Error {
  /** HTTP status this error maps to. */
  readonly status: number;
  /** Stable machine-readable code, e.g. `not_found`. */
  readonly code: string;
  /** Optional per-field messages for form validation. */
  readonly fields?: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    fields?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** 400: the input is malformed or fails validation. */
export class BadRequestError extends AppError {
  constructor(
    message: string,
    code = "bad_request",
    fields?: Record<string, string>,
  ) {
    super(400, code, message, fields);
  }
}

/** 401: no valid session. */
export class UnauthorizedError extends AppError {
  constructor(message = "Sign in first.", code = "unauthorized") {
    super(401, code, message);
  }
}

/** 403: signed in but not allowed (or a cross-site request). */
export class ForbiddenError extends AppError {
  constructor(message = "Not allowed.", code = "forbidden") {
    super(403, code, message);
  }
}

/** 404: does not exist, or belongs to someone else. */
export class NotFoundError extends AppError {
  constructor(message = "Not found.", code = "not_found") {
    super(404, code, message);
  }
}

/** 405: the route exists but not for this method. */
export class MethodNotAllowedError extends AppError {
  constructor(message = "Method not allowed.") {
    super(405, "method_not_allowed", message);
  }
}

/** 409: conflicts with existing data (duplicate name, wrong state). */
export class ConflictError extends AppError {
  constructor(message: string, code = "conflict") {
    super(409, code, message);
  }
}

/** 413: the request body is over the limit. */
export class PayloadTooLargeError extends AppError {
  constructor(message = "The request body is too large.") {
    super(413, "payload_too_large", message);
  }
}

/** 415: the body has a content type we do not accept here. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = "Unsupported content type.") {
    super(415, "unsupported_media_type", message);
  }
}

/** 429: a rate limit or quota was hit. */
export class TooManyRequestsError extends AppError {
  /** Seconds until a retry may succeed, if known. */
  readonly retryAfter?: number;
  constructor(
    message = "Too many requests. Try again later.",
    retryAfter?: number,
    code = "rate_limited",
  ) {
    super(429, code, message);
    this.retryAfter = retryAfter;
  }
}

/** 410: a link that was valid once (expired, revoked or used up). */
export class GoneError extends AppError {
  constructor(message: string, code = "gone") {
    super(410, code, message);
  }
}
