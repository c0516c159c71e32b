/**
 * Alt+ArrowUp / Alt+ArrowDown: open the previous / next room in the
 * sidebar's order (rooms first, then direct messages). Browser only.
 * @module
 */
import { useEffect, useRef } from "preact/hooks";
import type { RoomSummary } from "../protocol.ts";

/** The sidebar's order of room ids: rooms, then direct messages. */
export function sidebarOrder(rooms: RoomSummary[]): string[] {
  return [
    ...rooms.filter((r) => r.visibility !== "direct"),
    ...rooms.filter((r) => r.visibility === "direct"),
  ].map((r) => r.id);
}

/** Installs the Alt+Arrow room switcher (ignored while a dialog is open). */
export function useRoomKeys(
  rooms: RoomSummary[],
  active: string | null,
  open: (id: string) => void,
): void {
  const order = sidebarOrder(rooms);
  // The handler reads the latest order and room through a ref, so a key
  // pressed right after a switch never acts on the previous room.
  const nav = useRef({ order, active, open });
  nav.current = { order, active, open };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const { order, active, open } = nav.current;
      if (document.querySelector("dialog[open]") || !order.length) return;
      e.preventDefault();
      const i = order.indexOf(active ?? "");
      const step = e.key === "ArrowUp" ? -1 : 1;
      const next = i < 0
        ? (step > 0 ? 0 : order.length - 1)
        : (i + step + order.length) % order.length;
      open(order[next]);
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);
}
