/**
 * The validator for client frames: one text frame in, a typed frame or the
 * `error` frame to answer out. Pure (never throws); shared with the islands.
 * @module
 */
import type { ClientFrame } from "./protocol_client_frames.ts";
import { checkText, isId, isSeq } from "./protocol_checks.ts";
import { MAX_CID_LENGTH, MAX_FILES_PER_MESSAGE } from "./protocol_limits.ts";
import type { ErrorCode, ErrorFrame } from "./protocol_server_frames.ts";
import type { ReplyRef } from "./protocol_types.ts";

/** Result of {@link parseClientFrame}. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; error: ErrorFrame };

function fail(code: ErrorCode, message: string, cid?: string): ParseResult {
  const error: ErrorFrame = { type: "error", code, message };
  if (cid !== undefined) error.cid = cid;
  return { ok: false, error };
}

/**
 * Parses and validates one client text frame. Never throws: a bad frame gives
 * an `error` frame to send back (with the frame's `cid` when it had a valid one).
 * Unknown extra fields are ignored. Send text is returned trimmed.
 */
export function parseClientFrame(text: string): ParseResult {
  if (typeof text !== "string" || text.length === 0) {
    return fail("bad_frame", "Empty frame.");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("bad_json", "The frame is not valid JSON.");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail("bad_frame", "A frame must be a JSON object.");
  }
  const f = raw as Record<string, unknown>;
  const cid = typeof f.cid === "string" && f.cid.length > 0 &&
      f.cid.length <= MAX_CID_LENGTH
    ? f.cid
    : undefined;
  if (typeof f.type !== "string") {
    return fail("bad_frame", "A frame needs a string `type`.", cid);
  }
  if (f.type === "ping") return { ok: true, frame: { type: "ping" } };
  if (
    ![
      "subscribe",
      "unsubscribe",
      "send",
      "edit",
      "delete",
      "typing",
      "read",
      "react",
    ].includes(f.type)
  ) {
    return fail("unknown_type", `Unknown frame type "${f.type.slice(0, 32)}".`);
  }
  if (!isId(f.room)) {
    return fail("bad_frame", "`room` must be a room id.", cid);
  }
  const room = f.room;
  switch (f.type) {
    case "subscribe": {
      if (f.after === undefined || f.after === null) {
        return { ok: true, frame: { type: "subscribe", room } };
      }
      if (!isSeq(f.after)) {
        return fail("bad_frame", "`after` must be a non-negative integer.");
      }
      return { ok: true, frame: { type: "subscribe", room, after: f.after } };
    }
    case "unsubscribe":
    case "typing":
      return { ok: true, frame: { type: f.type, room } };
    case "send": {
      if (cid === undefined) {
        return fail(
          "bad_frame",
          `\`cid\` must be a string of 1 to ${MAX_CID_LENGTH} characters.`,
        );
      }
      const extra = parseSendExtras(f);
      if (typeof extra === "string") return fail("bad_frame", extra, cid);
      const t = extra.files?.length && typeof f.text === "string" &&
          f.text.trim() === ""
        ? { ok: true as const, text: "" }
        : checkText(f.text);
      if (!t.ok) return fail("invalid_text", t.message, cid);
      return {
        ok: true,
        frame: { type: "send", room, text: t.text, cid, ...extra },
      };
    }
    case "react": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      if (typeof f.emoji !== "string" || f.emoji.length > 16) {
        return fail("bad_frame", "`emoji` must be a short string.");
      }
      return {
        ok: true,
        frame: { type: "react", room, id: f.id, emoji: f.emoji },
      };
    }
    case "edit": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      const t = checkText(f.text);
      if (!t.ok) return fail("invalid_text", t.message);
      return {
        ok: true,
        frame: { type: "edit", room, id: f.id, text: t.text },
      };
    }
    case "delete": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      return { ok: true, frame: { type: "delete", room, id: f.id } };
    }
    case "read": {
      if (!isSeq(f.seq)) {
        return fail("bad_frame", "`seq` must be a non-negative integer.");
      }
      return { ok: true, frame: { type: "read", room, seq: f.seq } };
    }
  }
  return fail("unknown_type", "Unknown frame type.");
}

/** Reads `replyTo` and `files` of a send frame; a string is the error. */
function parseSendExtras(
  f: Record<string, unknown>,
): { replyTo?: ReplyRef; files?: string[] } | string {
  const out: { replyTo?: ReplyRef; files?: string[] } = {};
  if (f.replyTo !== undefined && f.replyTo !== null) {
    const r = f.replyTo as Record<string, unknown>;
    if (typeof r !== "object" || !isId(r.id) || !isSeq(r.seq)) {
      return "`replyTo` must be {id, seq} of a message.";
    }
    out.replyTo = { id: r.id, seq: r.seq };
  }
  if (f.files !== undefined && f.files !== null) {
    if (
      !Array.isArray(f.files) || !f.files.every(isId) ||
      f.files.length > MAX_FILES_PER_MESSAGE
    ) {
      return `\`files\` must be a list of at most ${MAX_FILES_PER_MESSAGE} file ids.`;
    }
    if (f.files.length) out.files = [...new Set(f.files as string[])];
  }
  return out;
}
