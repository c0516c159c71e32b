/** Messages per history page, shared by the room page and the island. */
export const PAGE_SIZE = 50;

/** The first page of a room with `unread` new messages: enough to show the first unread (up to 200). */
export function firstPageSize(unread: number): number {
  return Math.min(200, Math.max(PAGE_SIZE, unread + 10));
}
