/**
 * Replies: a send may point at another message of the same room
 * (`replyTo: {id, seq}`); the pointer is checked against the log.
 * @module
 */
import { NotFoundError } from "../errors.ts";
import { msgIdKey } from "./keys.ts";
import type { ReplyRef } from "./protocol.ts";

/**
 * The checked reply pointer: `ref.id` must be a message of `roomId` (a
 * deleted one is fine: the quote then says so). The stored seq wins over
 * the one the client sent. Messages of other rooms are NotFoundError.
 */
export async function checkReply(
  kv: Deno.Kv,
  roomId: string,
  ref: ReplyRef,
): Promise<ReplyRef> {
  const seq = (await kv.get<number>(msgIdKey(roomId, ref.id))).value;
  if (seq === null) {
    throw new NotFoundError("The message you reply to does not exist.");
  }
  return { id: ref.id, seq };
}
