/** Messages per history page, shared by the room page and the island. */
export const PAGE_SIZE = 50;
