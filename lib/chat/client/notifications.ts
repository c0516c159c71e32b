/**
 * Desktop notifications, the optional sound and the tab's favicon badge.
 * `wantsNotification` is pure (tested without a browser); the rest touches
 * browser APIs and is only called in the browser.
 * @module
 */
import type { Message, RoomSummary, ServerFrame } from "../protocol.ts";

/** localStorage key: "1" when the notification sound is on. */
export const SOUND_KEY = "rt.chat.sound";
/** localStorage key: "1" once the notifications banner was answered. */
export const BANNER_KEY = "rt.chat.notify-banner";

/** The level that applies to a room row (defaults: DMs all, rooms mentions). */
export function levelOf(r: RoomSummary): "all" | "mentions" | "none" {
  if (r.visibility === "direct") return "all";
  return r.notify ?? "mentions";
}

/** True when message `m` mentions `me` (by name or `@room`). */
export function mentionsMe(m: Message, me: string): boolean {
  return m.author !== me &&
    (!!m.mentionsRoom || (m.mentions ?? []).includes(me));
}

/**
 * Whether `frame` should raise a desktop notification for `me`: a new
 * message from someone else, while the tab is hidden, allowed by the
 * room's level (`all`; `mentions` only when it mentions me; never `none`).
 */
export function wantsNotification(
  frame: ServerFrame,
  rooms: RoomSummary[],
  me: string,
  hidden: boolean,
): boolean {
  if (!hidden || frame.type !== "message") return false;
  const m = frame.message;
  if (m.author === me || m.deleted) return false;
  const room = rooms.find((r) => r.id === frame.room);
  if (!room) return false;
  const level = levelOf(room);
  return level === "all" || (level === "mentions" && mentionsMe(m, me));
}

/** Title and body of a notification: room, author's display name, first 100 characters. */
export function notificationText(
  room: RoomSummary,
  m: Message,
  authorName: string,
): { title: string; body: string } {
  const chars = [...m.text];
  const text = chars.length > 100 ? chars.slice(0, 100).join("") + "…" : m.text;
  const where = room.visibility === "direct" ? authorName : `#${room.name}`;
  return { title: where, body: `${authorName}: ${text}` };
}

/** True when the browser can show notifications and the user allowed them. */
export function canNotify(): boolean {
  return typeof Notification !== "undefined" &&
    Notification.permission === "granted";
}

/** Shows a notification; `onClick` focuses the tab and opens the message. */
export function showNotification(
  text: { title: string; body: string },
  tag: string,
  onClick: () => void,
): void {
  try {
    const n = new Notification(text.title, { body: text.body, tag });
    n.onclick = () => {
      globalThis.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
  if (localStorage.getItem(SOUND_KEY) === "1") playPing();
}

let audio: AudioContext | undefined;
/** A short soft tone (no audio file to download). */
export function playPing(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch {
    // no audio: stay silent
  }
}

/** The tab title prefix: "(5) " or "(5 · 2 @) " with mentions. */
export function titlePrefix(unread: number, mentions: number): string {
  if (!unread && !mentions) return "";
  return mentions ? `(${unread} · ${mentions} @) ` : `(${unread}) `;
}

let baseIcon: string | null | undefined;
/** Draws the unread (or mention) count on the favicon; 0 restores it. */
export function setFaviconBadge(unread: number, mentions: number): void {
  let link = document.querySelector<HTMLLinkElement>("link[rel~='icon']");
  if (baseIcon === undefined) baseIcon = link?.href ?? null;
  if (!link) {
    link = document.createElement("link");
    link.rel = "icon";
    document.head.append(link);
  }
  const n = mentions || unread;
  if (!n) {
    if (baseIcon) link.href = baseIcon;
    else link.removeAttribute("href");
    link.dataset.count = "0";
    return;
  }
  const c = document.createElement("canvas");
  c.width = c.height = 32;
  const g = c.getContext("2d");
  if (!g) return;
  g.fillStyle = "#2563eb";
  g.beginPath();
  g.roundRect(2, 2, 28, 28, 7);
  g.fill();
  g.fillStyle = mentions ? "#dc2626" : "#f59e0b";
  g.beginPath();
  g.arc(22, 10, 10, 0, 2 * Math.PI);
  g.fill();
  g.fillStyle = "#fff";
  g.font = "bold 13px sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.fillText(n > 9 ? "9+" : String(n), 22, 11);
  link.href = c.toDataURL("image/png");
  link.dataset.count = String(n);
}
