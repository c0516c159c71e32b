/**
 * Email address validation and the dedupe form, re-exported from the app's
 * one set of address rules in `lib/email/address.ts`.
 * @module
 */
export {
  domainToAscii,
  EMAIL_LIMITS,
  emailKey as normalizeEmail,
  emailProblem,
  isValidEmail,
} from "../email/address.ts";
