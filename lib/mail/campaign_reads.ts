/**
 * Owner-scoped campaign reads: one campaign (404 for another user's) and an
 * owner's list, newest first.
 * @module
 */
import { BadRequestError, NotFoundError } from "../errors.ts";
import type { Page } from "../kv.ts";
import { isCursorError, isId } from "../params.ts";
import { type Campaign, keys } from "./model.ts";

/** Reads a campaign of `owner`; another user's id is a 404. */
export async function getCampaign(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<Deno.KvEntry<Campaign>> {
  const entry = isId(id) ? await kv.get<Campaign>(keys.campaign(id)) : null;
  if (!entry?.value || entry.value.owner !== owner) {
    throw new NotFoundError("No such campaign.");
  }
  return entry as Deno.KvEntry<Campaign>;
}

/** Lists `owner`'s campaigns, newest first. */
export async function listCampaigns(
  kv: Deno.Kv,
  owner: string,
  limit = 50,
  cursor?: string,
): Promise<Page<Campaign>> {
  const iter = kv.list<null>({ prefix: keys.userCampaigns(owner) }, {
    limit,
    cursor: cursor || undefined,
    reverse: true,
  });
  const ids: string[] = [];
  try {
    for await (const e of iter) ids.push(e.key[2] as string);
  } catch (err) {
    if (isCursorError(err)) {
      throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
    }
    throw err;
  }
  const out: Campaign[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const got = await kv.getMany<Campaign[]>(
      ids.slice(i, i + 10).map((id) => keys.campaign(id)),
    );
    for (const e of got) if (e.value) out.push(e.value);
  }
  return { items: out, cursor: ids.length < limit ? "" : iter.cursor };
}
