/**
 * The per-room message log: send (through group commit), edit and delete
 * your own messages (a delete leaves a tombstone), and history pages.
 * Every function takes the acting user and checks membership.
 * @module
 */
import { BadRequestError, ForbiddenError, NotFoundError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import type { GroupCommitter } from "./group_commit.ts";
import type { SendResult } from "./group_commit_types.ts";
import { msgIdKey, msgKey, msgPrefix, seqKey } from "./keys.ts";
import {
  checkText,
  MAX_CID_LENGTH,
  MAX_HISTORY_LIMIT,
  type Message,
} from "./protocol.ts";
import {
  requireMember,
  requireWritable,
  type RoomView,
  viewRoom,
} from "./rooms.ts";
import { pendingKey } from "../files/keys.ts";
import { reindexMessage } from "./message_indexes.ts";
import { resolveMentions } from "./mentions.ts";
import { removeFiles } from "../files/store.ts";

/** Default page size for history. */
export const DEFAULT_HISTORY_LIMIT = 50;

function text(t: unknown): string {
  const r = checkText(t);
  if (!r.ok) throw new BadRequestError(r.message, "invalid_text");
  return r.text;
}

/**
 * Sends a message as `user`. Resolves once it is durable. A `cid` already
 * used by this user in this room returns the original message with
 * `duplicate: true` and stores nothing.
 */
export async function sendMessage(
  kv: Deno.Kv,
  writer: GroupCommitter,
  user: string,
  roomId: string,
  input: { text: unknown; cid: unknown },
): Promise<SendResult> {
  const body = text(input.text);
  const cid = input.cid;
  if (
    typeof cid !== "string" || cid.length < 1 || cid.length > MAX_CID_LENGTH
  ) {
    throw new BadRequestError(
      `cid must be 1 to ${MAX_CID_LENGTH} characters.`,
      "invalid_cid",
    );
  }
  const room = await requireMember(kv, user, roomId);
  const mentions = await resolveMentions(kv, room, user, body);
  return await writer.send({
    room: roomId,
    author: user,
    text: body,
    cid,
    ...mentions,
  });
}

async function changeOwn(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  messageId: string,
  change: (m: Message) => Message,
  extra?: (m: Message, op: Deno.AtomicOperation) => void,
): Promise<Message> {
  await requireWritable(kv, user, roomId);
  return await commitWithRetry(kv, async (kv) => {
    const idx = await kv.get<number>(msgIdKey(roomId, messageId));
    if (idx.value === null) throw new NotFoundError("No such message.");
    const entry = await kv.get<Message>(msgKey(roomId, idx.value));
    const m = entry.value;
    if (!m) throw new NotFoundError("No such message.");
    if (m.author !== user) {
      throw new ForbiddenError(
        "You can only change your own messages.",
        "not_author",
      );
    }
    if (m.deleted) throw new NotFoundError("The message was deleted.");
    const next = change(m);
    const op = kv.atomic().check(entry).set(entry.key, next);
    extra?.(m, op);
    reindexMessage(op, m, next);
    return [op, next];
  });
}

/** Replaces the text of `user`'s own message and sets `editedAt`. */
export async function editMessage(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  messageId: string,
  newText: unknown,
): Promise<Message> {
  const body = text(newText);
  const room = await requireWritable(kv, user, roomId);
  const mentions = await resolveMentions(kv, room, user, body);
  return await changeOwn(kv, user, roomId, messageId, (m) => ({
    ...m,
    text: body,
    editedAt: new Date().toISOString(),
    ...mentions,
  }));
}

/** Deletes `user`'s own message, leaving a tombstone (`deleted`, empty text). */
export async function deleteMessage(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  messageId: string,
): Promise<Message> {
  let files: string[] = [];
  const message = await changeOwn(kv, user, roomId, messageId, (m) => {
    const {
      cid: _cid,
      reactions: _r,
      files: _f,
      mentions: _m,
      mentionsRoom: _mr,
      ...rest
    } = m;
    return {
      ...rest,
      text: "",
      deleted: true,
      editedAt: new Date().toISOString(),
    };
  }, (m, op) => {
    // The files go with the message: marked for the sweep in the same
    // commit (crash-safe), then removed at once.
    files = (m.files ?? []).map((f) => f.id);
    for (const id of files) op.set(pendingKey(0, id), user);
  });
  if (files.length) await removeFiles(kv, files);
  return message;
}

/** History query: seq bounds are exclusive. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

function checkSeqParam(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new BadRequestError(
      `${name} must be a non-negative integer.`,
      "invalid_query",
    );
  }
  return n;
}

/** Parses `before`/`after`/`limit` from strings or numbers, with clear errors. */
export function parseHistoryQuery(
  q: { before?: unknown; after?: unknown; limit?: unknown },
): HistoryQuery {
  const limit = checkSeqParam("limit", q.limit) ?? DEFAULT_HISTORY_LIMIT;
  if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new BadRequestError(
      `limit must be 1 to ${MAX_HISTORY_LIMIT}.`,
      "invalid_query",
    );
  }
  return {
    before: checkSeqParam("before", q.before),
    after: checkSeqParam("after", q.after),
    limit,
  };
}

/**
 * Reads log entries with `after < seq < before`, ascending. Without
 * `after` the newest `limit` entries below `before` are returned; with
 * `after` the oldest `limit` entries above it. No access check.
 */
export async function readLog(
  kv: Deno.Kv,
  roomId: string,
  q: HistoryQuery,
): Promise<Message[]> {
  const limit = q.limit ?? DEFAULT_HISTORY_LIMIT;
  const prefix = msgPrefix(roomId);
  const start = q.after !== undefined ? msgKey(roomId, q.after + 1) : undefined;
  const end = q.before !== undefined ? msgKey(roomId, q.before) : undefined;
  if (
    q.before !== undefined && q.after !== undefined && q.before <= q.after + 1
  ) {
    return [];
  }
  const selector: Deno.KvListSelector = start && end
    ? { start, end }
    : start
    ? { prefix, start }
    : end
    ? { prefix, end }
    : { prefix };
  const reverse = q.after === undefined;
  const out: Message[] = [];
  for await (const e of kv.list<Message>(selector, { limit, reverse })) {
    out.push(e.value);
  }
  return reverse ? out.reverse() : out;
}

/** A page of history for `user` (member only), ascending by seq. */
export async function listMessages(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  q: HistoryQuery = {},
): Promise<Message[]> {
  await requireMember(kv, user, roomId);
  return await readLog(kv, roomId, q);
}

/** What a room page needs before JavaScript runs. */
export interface FirstScreen {
  /** The room as the user sees it (a DM is named after the other person). */
  room: RoomView;
  /** The room's latest seq when read; subscribe with `after: latestSeq`. */
  latestSeq: number;
  /** The newest messages up to `latestSeq`, ascending. */
  messages: Message[];
}

/**
 * Loads the first screen of a room for server rendering (member only).
 * `messages` ends exactly at `latestSeq`, so a client that subscribes with
 * `after: latestSeq` gets everything newer with no gap and no duplicate.
 */
export async function loadFirstScreen(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  limit = DEFAULT_HISTORY_LIMIT,
): Promise<FirstScreen> {
  const room = await requireMember(kv, user, roomId);
  const latestSeq = (await kv.get<number>(seqKey(roomId))).value ?? 0;
  const messages = await readLog(kv, roomId, { before: latestSeq + 1, limit });
  return { room: viewRoom(room, user), latestSeq, messages };
}
