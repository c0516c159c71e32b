/**
 * Reading one WebSocket message of a chat socket: too big (close 1009), a
 * refusal to answer with an `error` frame, or a valid client frame.
 * @module
 */
import {
  type ClientFrame,
  type ErrorFrame,
  MAX_FRAME_BYTES,
  parseClientFrame,
} from "./protocol.ts";

/** What one incoming WebSocket message is. */
export type FrameIn =
  | { tooBig: true }
  | { error: ErrorFrame }
  | { frame: ClientFrame };

const enc = new TextEncoder();

/** Sizes, then parses and validates, the data of one WebSocket message. */
export function readFrameIn(data: unknown): FrameIn {
  if (typeof data !== "string") {
    const size = data instanceof ArrayBuffer
      ? data.byteLength
      : data instanceof Blob
      ? data.size
      : 0;
    if (size > MAX_FRAME_BYTES) return { tooBig: true };
    return {
      error: {
        type: "error",
        code: "bad_frame",
        message: "Binary frames are not accepted; send JSON text.",
      },
    };
  }
  if (
    data.length > MAX_FRAME_BYTES ||
    (data.length * 3 > MAX_FRAME_BYTES &&
      enc.encode(data).length > MAX_FRAME_BYTES)
  ) return { tooBig: true };
  const parsed = parseClientFrame(data);
  if (!parsed.ok) return { error: parsed.error };
  return { frame: parsed.frame };
}
