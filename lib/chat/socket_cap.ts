/**
 * At most `CHAT_MAX_SOCKETS_PER_USER` chat WebSockets per user in this
 * process (default 20). A socket over the cap is refused: it is closed right
 * after the upgrade with {@link TOO_MANY_SOCKETS} and a reason the client
 * can show. Kept apart from the hub.
 * @module
 */
import type { AppDeps } from "../web/types.ts";
import { socketClosed } from "../web/upgrade_tracking.ts";

/** Close code for a socket refused by the per-user cap. */
export const TOO_MANY_SOCKETS = 4029;

/** Counts open sockets per user. */
export class SocketCap {
  #open = new Map<string, number>();
  constructor(readonly max: number) {}

  /** Open sockets of `user`. */
  count(user: string): number {
    return this.#open.get(user) ?? 0;
  }

  /**
   * Admits `socket` for `user` (counted until it closes) or refuses it:
   * it is then closed with {@link TOO_MANY_SOCKETS} once open. Returns
   * whether it was admitted.
   */
  admit(user: string, socket: WebSocket): boolean {
    if (this.count(user) >= this.max) {
      const refuse = () =>
        socket.close(
          TOO_MANY_SOCKETS,
          `Too many open chat connections (${this.max}); close another tab.`,
        );
      if (socket.readyState === WebSocket.OPEN) refuse();
      else socket.addEventListener("open", refuse, { once: true });
      return false;
    }
    this.#open.set(user, this.count(user) + 1);
    socketClosed(socket).then(() => {
      const left = this.count(user) - 1;
      if (left > 0) this.#open.set(user, left);
      else this.#open.delete(user);
    });
    return true;
  }
}

const caps = new WeakMap<AppDeps, SocketCap>();

/** The app's cap (one per app instance). */
export function socketCapFor(deps: AppDeps): SocketCap {
  let cap = caps.get(deps);
  if (!cap) {
    cap = new SocketCap(deps.config.chatMaxSocketsPerUser);
    caps.set(deps, cap);
  }
  return cap;
}
