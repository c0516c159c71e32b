/**
 * `GET /files/:id/:name`: a chat file, for members of its room only (404
 * for everyone else, signed in or not). See `lib/files/serve.ts`.
 * @module
 */
import { NotFoundError } from "../../../lib/errors.ts";
import { isMember } from "../../../lib/chat/room_access.ts";
import { fileResponse } from "../../../lib/files/serve.ts";
import { readableFile } from "../../../lib/files/store.ts";
import type { Handler } from "../../../lib/web/types.ts";

export const handler: Handler = async (req, ctx) => {
  const user = ctx.state.user?.username;
  if (!user || !/^[A-Za-z0-9_-]{1,64}$/.test(ctx.params.id)) {
    throw new NotFoundError();
  }
  if (req.method !== "GET" && req.method !== "HEAD") throw new NotFoundError();
  const kv = ctx.deps.kv;
  const f = await readableFile(
    kv,
    user,
    ctx.params.id,
    (room) => isMember(kv, room, user),
  );
  return fileResponse(kv, req, f);
};
