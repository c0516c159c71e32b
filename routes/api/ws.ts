/**
 * `GET /api/ws`: the chat WebSocket (DESIGN.md §9). Needs the session cookie
 * (401 from the API middleware otherwise) and an `Origin` equal to the app's
 * origin (cross-site WebSocket hijacking → 403).
 * @module
 */
import { BadRequestError, ForbiddenError } from "../../lib/errors.ts";
import { chatFor } from "../../lib/chat/service.ts";
import type { Handlers } from "../../lib/web/types.ts";
import { socketCapFor } from "../../lib/chat/socket_cap.ts";
import { trackUpgrade } from "../../lib/web/upgrade_tracking.ts";

export const handler: Handlers = {
  GET(req, ctx) {
    if (req.headers.get("origin") !== ctx.deps.config.appUrl) {
      throw new ForbiddenError("Cross-site WebSocket refused.", "cross_site");
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw new BadRequestError(
        "Expected a WebSocket upgrade.",
        "not_websocket",
      );
    }
    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: 60,
    });
    trackUpgrade(req, socket);
    const username = ctx.state.user!.username;
    // Over CHAT_MAX_SOCKETS_PER_USER: closed with 4029 once open.
    if (!socketCapFor(ctx.deps).admit(username, socket)) return response;
    const session = ctx.state.session!;
    chatFor(ctx.deps).hub.attach(
      socket,
      username,
      ctx.remoteAddr,
      { id: session.id, expiresAt: Date.parse(session.expiresAt) },
    );
    return response;
  },
};
