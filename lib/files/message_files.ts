/**
 * Stored files as parts of messages: who may read one (room members, and
 * only its owner until it is sent), claiming uploads for a message being
 * sent, and removing them with a deleted message.
 * @module
 */
import { NotFoundError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import type { FileRef } from "../chat/protocol.ts";
import { discardChunks } from "./chunks.ts";
import { type StoredFile, toRef } from "./manifest.ts";
import { fileKey, pendingKey, usageKey } from "./keys.ts";

/**
 * The manifest of file `id` when `user` may read it: a member of its room,
 * and (while it is not sent with a message yet) its owner. Otherwise
 * NotFoundError, whatever the reason.
 */
export async function readableFile(
  kv: Deno.Kv,
  user: string,
  id: string,
  isMemberOf: (room: string) => Promise<boolean>,
): Promise<StoredFile> {
  const f = (await kv.get<StoredFile>(fileKey(id))).value;
  if (!f || !(await isMemberOf(f.room))) throw new NotFoundError();
  if (f.owner !== user) {
    const pending = await kv.get(pendingKey(f.startedAt, f.id));
    if (pending.versionstamp !== null) throw new NotFoundError();
  }
  return f;
}

/**
 * Checks files for a message: each must be `user`'s upload to `room`, not
 * yet sent. Returns their references and the pending markers to delete in
 * the message's commit. Unknown ids are NotFoundError.
 */
export async function claimFiles(
  kv: Deno.Kv,
  user: string,
  room: string,
  ids: string[],
): Promise<{ files: FileRef[]; release: Deno.KvKey[] }> {
  const entries = await kv.getMany<StoredFile[]>(ids.map(fileKey));
  const files: FileRef[] = [];
  const release: Deno.KvKey[] = [];
  const markers = entries.map((e) =>
    e.value ? pendingKey(e.value.startedAt, e.value.id) : fileKey("-")
  );
  const pending = await kv.getMany(markers);
  entries.forEach((e, i) => {
    const f = e.value;
    if (
      !f || f.owner !== user || f.room !== room ||
      pending[i].versionstamp === null
    ) {
      throw new NotFoundError(
        "An attached file does not exist or was already sent.",
        "file_not_found",
      );
    }
    files.push(toRef(f));
    release.push(markers[i]);
  });
  return { files, release };
}

/**
 * Removes files: each manifest is deleted and the owner's usage lowered in
 * one commit, then its chunks. Missing ids are skipped.
 */
export async function removeFiles(kv: Deno.Kv, ids: string[]): Promise<void> {
  for (const id of ids) {
    for (;;) {
      const f = await kv.get<StoredFile>(fileKey(id));
      if (!f.value) {
        await discardChunks(kv, id, fileKey("-"));
        break;
      }
      const u = await kv.get<number>(usageKey(f.value.owner));
      const left = Math.max(0, (u.value ?? 0) - f.value.size);
      const res = await retryLocked(() =>
        kv.atomic().check(f).check(u).delete(f.key)
          .set(u.key, left)
          .commit()
      );
      if (!res.ok) continue;
      await discardChunks(
        kv,
        id,
        pendingKey(f.value.startedAt, f.value.id),
      );
      break;
    }
  }
}
