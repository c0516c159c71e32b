/**
 * Test fixture: a running server with users A and B in a private room that
 * A created, optionally a third user C (with a room of C's own), and chat
 * sockets that are closed with the fixture.
 * @module
 */
import { type Client, signedInClient } from "./client.ts";
import { type ChatClient, chatSocket } from "./chat_ws.ts";
import { startServer, type TestServer } from "./server.ts";

/** What {@link chatRoomFixture} sets up. */
export interface ChatRoomFixture extends AsyncDisposable {
  server: TestServer;
  kv: Deno.Kv;
  a: Client;
  b: Client;
  /** The third user (signed in when `third` was asked for). */
  c: Client;
  /** A's room, with B as a member. */
  room: string;
  /** C's own room (when `otherRoom` was given). */
  other: string;
  /** Opens a chat socket for `client`, closed with the fixture. */
  socket(client: Client): Promise<ChatClient>;
}

/** Starts the server and sets up the users and rooms. */
export async function chatRoomFixture(opts: {
  env?: Record<string, string>;
  /** Name of A's room (default "team"). */
  name?: string;
  /** Sign in a third user, C. */
  third?: boolean;
  /** Name of a private room C creates (implies `third`). */
  otherRoom?: string;
} = {}): Promise<ChatRoomFixture> {
  const server = await startServer({ env: opts.env });
  const a = await signedInClient(server.url);
  const b = await signedInClient(server.url);
  const c = opts.third || opts.otherRoom
    ? await signedInClient(server.url)
    : undefined;
  const create = async (owner: Client, name: string) =>
    (await owner.json<{ id: string }>("/api/rooms", {
      json: { name, visibility: "private" },
    })).body.id;
  const room = await create(a, opts.name ?? "team");
  const other = opts.otherRoom ? await create(c!, opts.otherRoom) : "";
  await a.json(`/api/rooms/${room}/members`, {
    json: { username: b.username },
  });
  const sockets: ChatClient[] = [];
  return {
    server,
    kv: server.kv,
    a,
    b,
    c: c!,
    room,
    other,
    async socket(client: Client) {
      const ws = await chatSocket(client);
      sockets.push(ws);
      return ws;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sockets.map((s) => s.close()));
      await server.close();
    },
  };
}
