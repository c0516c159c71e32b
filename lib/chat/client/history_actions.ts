/**
 * History loading of the chat client: open a room (first page sized to its
 * unread count), older pages, a message's surroundings (search results) and
 * contiguous history back to a reply's original. Browser only.
 * @module
 */
import * as api from "./api.ts";
import * as apiE from "./api_essentials.ts";
import { type ChatCore, noticeError } from "./chat_core.ts";
import { firstPageSize, PAGE_SIZE } from "./page_size.ts";
import { reduce } from "./state.ts";

/** Opens room `id` (null: none), pushing its URL, loading its first page. */
export async function openRoom(
  core: ChatCore,
  id: string | null,
  push = true,
): Promise<void> {
  const { ref, dispatch } = core;
  const unreadBefore = ref.current.rooms.find((r) => r.id === id)?.unread ??
    0;
  dispatch({ type: "open", room: id });
  if (push) {
    history.pushState(
      null,
      "",
      id ? `/chat/${encodeURIComponent(id)}` : "/chat",
    );
  }
  if (!id || ref.current.byRoom[id]?.loaded) return;
  try {
    const messages = await api.history(id, {
      limit: firstPageSize(unreadBefore),
    });
    dispatch({
      type: "history",
      room: id,
      messages,
      mode: "initial",
      limit: PAGE_SIZE,
    });
  } catch (e) {
    noticeError(core, e);
  }
}

/** Loads the open room's next older page, unless one is `loading` already. */
export async function loadOlderPage(
  core: ChatCore,
  loading: boolean,
  setLoading: (on: boolean) => void,
): Promise<void> {
  const { ref, dispatch } = core;
  const id = ref.current.active;
  const r = id ? ref.current.byRoom[id] : undefined;
  if (!id || !r || !r.hasOlder || loading) return;
  setLoading(true);
  try {
    const before = r.messages.length ? r.messages[0].seq : undefined;
    const messages = await api.history(id, { before, limit: PAGE_SIZE });
    dispatch({
      type: "history",
      room: id,
      messages,
      mode: "older",
      limit: PAGE_SIZE,
    });
  } catch (e) {
    noticeError(core, e);
  } finally {
    setLoading(false);
  }
}

/** Opens a room scrolled to message `seq` (loaded with history around it), flashed. */
export async function openAt(
  core: ChatCore,
  open: (id: string) => Promise<void>,
  id: string,
  seq: number,
): Promise<void> {
  const { ref, dispatch } = core;
  await open(id);
  const loaded = ref.current.byRoom[id]?.messages ?? [];
  if (!loaded.some((m) => m.seq === seq)) {
    try {
      let page = await apiE.around(id, seq, PAGE_SIZE);
      const firstLoaded = loaded[0]?.seq ?? Infinity;
      let last = page.at(-1)?.seq ?? seq;
      // Fill forward to the loaded messages, so the list has no gap.
      for (let i = 0; i < 8 && last + 1 < firstLoaded; i++) {
        const more = await api.history(id, { after: last, limit: 200 });
        if (!more.length) break;
        page = page.concat(more);
        last = more[more.length - 1].seq;
      }
      dispatch({
        type: "history",
        room: id,
        messages: page,
        mode: "initial",
        limit: PAGE_SIZE,
      });
    } catch (e) {
      noticeError(core, e);
    }
  }
  dispatch({ type: "flash", room: id, seq });
}

/** Loads history back to `seq` (contiguously); true when it is loaded. */
export async function loadBackTo(
  { ref, dispatch }: ChatCore,
  seq: number,
): Promise<boolean> {
  const id = ref.current.active;
  for (let i = 0; id && i < 50; i++) {
    const r = ref.current.byRoom[id];
    const oldest = r?.messages[0]?.seq;
    if (oldest === undefined) return false;
    if (oldest <= seq) return true;
    const after = Math.max(0, seq - 26);
    const messages = await api.history(id, {
      before: oldest,
      after,
      limit: 200,
    });
    if (!messages.length) return false;
    dispatch({
      type: "history",
      room: id,
      messages,
      mode: "older",
      // Older messages remain unless the page reached seq 1.
      limit: messages.length + (messages[0].seq > 1 ? 0 : 1),
    });
    ref.current = reduce(ref.current, {
      type: "history",
      room: id,
      messages,
      mode: "older",
      limit: messages.length + (messages[0].seq > 1 ? 0 : 1),
    });
  }
  return false;
}
