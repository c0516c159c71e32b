/**
 * The chat services of one app: the group-commit writer and the socket hub,
 * created on first use from the app's dependencies and closed with the app.
 * @module
 */
import type { AppDeps } from "../web/types.ts";
import { GroupCommitter } from "./group_commit.ts";
import { ChatHub } from "./hub.ts";
import { healOnResync } from "./resync.ts";
import { messageIndexHook } from "./message_indexes.ts";
import { SendAccess, sendGuard } from "./send_access.ts";
import type { UserExists } from "./rooms.ts";
import { getUserByUsername, roleOf } from "../auth/users.ts";

/** What chat routes use. */
export interface ChatService {
  writer: GroupCommitter;
  hub: ChatHub;
  /** Who may send, cached per instance (re-checked by the writer). */
  access: SendAccess;
  /** Whether a username belongs to an account (for DMs and adding members). */
  userExists: UserExists;
  /** Whether a username is an app admin (manages every room). */
  isAdmin: (username: string) => Promise<boolean>;
}

const services = new WeakMap<AppDeps, ChatService>();

/** The chat service of the app owning `deps` (created once). */
export function chatFor(deps: AppDeps): ChatService {
  let svc = services.get(deps);
  if (svc) return svc;
  const { kv, bus, config } = deps;
  const writer = new GroupCommitter(kv, {
    hooks: [messageIndexHook],
    guards: [sendGuard],
  });
  // Who may send: cached per instance, re-checked in every commit batch.
  const access = new SendAccess(kv);
  const stopForgetting = bus.onResync(() => access.clear());
  const hub = new ChatHub({ kv, bus, writer, access }, {
    sendBurst: config.chatSendBurst,
    sendPerSecond: config.chatSendPerSecond,
    softBufferBytes: config.chatBufferBytes,
    hardBufferBytes: 4 * config.chatBufferBytes,
    idleTimeoutMs: config.chatIdleTimeoutMs,
    sweepMs: Math.max(10, Math.min(1000, config.chatIdleTimeoutMs / 4)),
    revalidateMs: config.chatRevalidateMs,
    shareSendLimit: config.workers > 1 || config.fanout !== "broadcast",
  });
  const stopHealing = healOnResync(kv, bus);
  svc = {
    writer,
    hub,
    access,
    userExists: async (name) => (await getUserByUsername(kv, name)) !== null,
    isAdmin: async (name) => {
      const u = await getUserByUsername(kv, name);
      return u !== null && roleOf(u) === "admin";
    },
  };
  services.set(deps, svc);
  deps.onClose(async () => {
    stopHealing();
    stopForgetting();
    await hub.close();
    await writer.close();
  });
  return svc;
}
