/**
 * The chat WebSocket protocol (DESIGN.md §9): the one module the server and
 * the islands import for frame types, limits and the pure validator for
 * client frames. It gathers the protocol_*.ts modules, so it and they must
 * stay free of KV, Deno APIs and server-only imports.
 * @module
 */

export {
  CloseCode,
  MAX_CID_LENGTH,
  MAX_FILES_PER_MESSAGE,
  MAX_FRAME_BYTES,
  MAX_HISTORY_LIMIT,
  MAX_ID_LENGTH,
  MAX_REACTIONS_PER_MESSAGE,
  MAX_TEXT_CHARS,
  PING_INTERVAL_MS,
  TYPING_TTL_MS,
} from "./protocol_limits.ts";
export type {
  FileRef,
  Message,
  NotifyLevel,
  Reaction,
  ReplyRef,
  RoomSummary,
  Visibility,
} from "./protocol_types.ts";
export type {
  ClientFrame,
  DeleteFrame,
  EditFrame,
  PingFrame,
  ReactFrame,
  ReadFrame,
  SendFrame,
  SubscribeFrame,
  TypingClientFrame,
  UnsubscribeFrame,
} from "./protocol_client_frames.ts";
export { encodeFrame, messageFrame } from "./protocol_server_frames.ts";
export type {
  AckFrame,
  EditedFrame,
  ErrorCode,
  ErrorFrame,
  LeftFrame,
  MessageFrame,
  PongFrame,
  PresenceFrame,
  ReactionFrame,
  RoomAddedFrame,
  RoomChangeFrame,
  ServerFrame,
  SubscribedFrame,
  TypingFrame,
} from "./protocol_server_frames.ts";
export { charCount, checkText, isId, isSeq } from "./protocol_checks.ts";
export { parseClientFrame, type ParseResult } from "./protocol_parse.ts";
