/**
 * The types of the group commit: a send's input and result, the hooks and
 * guards that join every batch, and the committer's options.
 * @module
 */
import type { FileRef, Message, ReplyRef } from "./protocol.ts";

/** One send, already validated and authorised by the caller. */
export interface SendInput {
  room: string;
  author: string;
  /** Validated, trimmed text. */
  text: string;
  cid: string;
  /** A checked reply pointer (same room). */
  replyTo?: ReplyRef;
  /** Checked files of this room, uploaded by the author. */
  files?: FileRef[];
  /** Keys deleted in the same commit (the files' pending-upload markers). */
  release?: Deno.KvKey[];
  /** Resolved mentions, stored with the message when given. */
  mentions?: string[];
  mentionsRoom?: boolean;
}

/**
 * Extra writes for every new message, made in the same atomic operation
 * (the search index, the mention index). `cost` bounds what `write` adds.
 */
export interface CommitHook {
  cost(input: SendInput): { mutations: number; keyBytes: number };
  write(op: Deno.AtomicOperation, message: Message, input: SendInput): void;
}

/**
 * A condition each send must still meet when its batch is read. `keys`
 * names what to read for an input (shared keys are read once per batch);
 * `check` throws to refuse that send alone (the rest of the batch goes on).
 */
export interface CommitGuard {
  keys(input: SendInput): Deno.KvKey[];
  check(input: SendInput, entries: Deno.KvEntryMaybe<unknown>[]): void;
}

/** Result of a send: the stored message, and whether the cid was seen before. */
export interface SendResult {
  message: Message;
  duplicate: boolean;
}

/** Limits for one batch; defaults stay inside Deno KV's atomic limits. */
export interface GroupCommitOptions {
  /** Most messages per atomic (4 mutations each, + 1 per room; KV allows 1,000). */
  maxMessages?: number;
  /** Most distinct rooms per atomic (one check each; remote KV allows 10). */
  maxRooms?: number;
  /** Budget for the summed size of values, in bytes (KV allows 800 KiB). */
  maxBytes?: number;
  /** Budget for the summed size of keys, in bytes (KV allows 80 KiB). */
  maxKeyBytes?: number;
  /** Commit attempts before a batch fails. */
  maxTries?: number;
  /** Extra writes per new message (indexes), in the same atomic. */
  hooks?: CommitHook[];
  /** Conditions re-read for every send in its batch (authorisation). */
  guards?: CommitGuard[];
  /** Called after every committed batch (for metrics and tests). */
  onCommit?: (messages: number) => void;
}
