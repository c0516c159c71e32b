/**
 * Every limit on a contact and a group name. Pure: islands may import it.
 * @module
 */
import { EMAIL_LIMITS } from "./email.ts";

/** Every limit on a contact, explicit (and tested). */
export const LIMITS = {
  name: 200,
  company: 200,
  title: 200,
  notes: 10_000,
  nickname: 200,
  address: 1_000,
  website: 500,
  label: 40,
  phone: 64,
  /** At most 8 emails: with the book and record checks that is 10 KV checks. */
  emails: 8,
  phones: 8,
  groups: 50,
  groupName: 80,
  ...EMAIL_LIMITS,
} as const;
