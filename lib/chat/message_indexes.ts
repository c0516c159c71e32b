/**
 * The indexes kept with the message log, written in the same atomic as the
 * message: the search index (`lib/search/index_keys.ts`) and the mention
 * index (`mentions.ts`). One hook for the group commit, one function for
 * edits and deletes.
 * @module
 */
import {
  indexCost,
  type IndexedText,
  updateIndex,
  writeIndex,
} from "../search/index_keys.ts";
import type { CommitHook, SendInput } from "./group_commit_types.ts";
import {
  mentionIndexCost,
  updateMentionIndex,
  writeMentionIndex,
} from "./mentions.ts";
import type { Message } from "./protocol.ts";

const indexedOf = new WeakMap<SendInput, IndexedText>();

/** The group-commit hook that indexes every new message for search and mentions. */
export const messageIndexHook: CommitHook = {
  cost(input) {
    const c = indexCost(input.room, input.text);
    indexedOf.set(input, c.indexed);
    const mentions = mentionIndexCost({
      mentions: input.mentions ?? [],
      mentionsRoom: input.mentionsRoom ?? false,
    });
    return {
      mutations: c.mutations + mentions,
      keyBytes: c.keyBytes + mentions * (input.room.length + 64),
    };
  },
  write(op, message, input) {
    writeIndex(op, message, indexedOf.get(input));
    writeMentionIndex(op, message);
  },
};

/** Moves both indexes of a message changed from `before` to `after`. */
export function reindexMessage(
  op: Deno.AtomicOperation,
  before: Message,
  after: Message,
): void {
  updateIndex(op, before, after);
  updateMentionIndex(op, before, after);
}
