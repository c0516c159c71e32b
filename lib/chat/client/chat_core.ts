/**
 * What the chat client's action modules share: the latest state (a ref, read
 * inside async actions), the reducer's dispatch and the socket's send.
 * @module
 */
import type { ClientFrame } from "../protocol.ts";
import type { Action, ChatState } from "./state.ts";

/** The chat engine's core handles, stable for the island's lifetime. */
export interface ChatCore {
  /** The latest reduced state (updated on every render). */
  ref: { current: ChatState };
  dispatch: (a: Action) => void;
  /** Sends a frame on the socket; false when not connected. */
  send: (f: ClientFrame) => boolean;
}

/** Shows `e`'s message as the chat's error notice. */
export function noticeError(core: ChatCore, e: unknown): void {
  core.dispatch({ type: "notice", text: (e as Error).message });
}
