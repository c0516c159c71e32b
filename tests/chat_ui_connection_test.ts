import assert from "node:assert/strict";
import { backoffDelay, ChatConnection } from "../lib/chat/client/connection.ts";
import type { ServerFrame } from "../lib/chat/protocol.ts";
import type { ConnectionStatus } from "../lib/chat/client/state.ts";

/** A tiny real WebSocket server on loopback that records what clients send. */
function wsServer(opts: { refuse?: () => boolean } = {}) {
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  const closed: Promise<void>[] = [];
  let upgrades = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      upgrades++;
      if (opts.refuse?.()) return new Response("no", { status: 401 });
      const { socket, response } = Deno.upgradeWebSocket(req);
      sockets.push(socket);
      closed.push(
        new Promise((r) => socket.addEventListener("close", () => r())),
      );
      socket.onmessage = (e) => {
        received.push(e.data);
        const f = JSON.parse(e.data);
        if (f.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
        if (f.type === "subscribe") {
          socket.send(
            JSON.stringify({ type: "subscribed", room: f.room, seq: 7 }),
          );
        }
      };
      return response;
    },
  );
  return {
    url: `ws://127.0.0.1:${server.addr.port}/api/ws`,
    sockets,
    received,
    get upgrades() {
      return upgrades;
    },
    async close() {
      await Promise.all(closed);
      await server.shutdown();
    },
  };
}

function until(pred: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const id = setInterval(() => {
      if (pred()) {
        clearInterval(id);
        resolve();
      } else if (++tries > 500) {
        clearInterval(id);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 10);
  });
}

function client(url: string) {
  const statuses: ConnectionStatus[] = [];
  const frames: ServerFrame[] = [];
  let opens = 0;
  const conn: ChatConnection = new ChatConnection({
    url,
    baseDelayMs: 5,
    maxDelayMs: 20,
    onStatus: (s) => statuses.push(s),
    onFrame: (f) => frames.push(f),
    onOpen: () => {
      opens++;
      conn.send({ type: "subscribe", room: "R1", after: opens });
    },
  });
  return {
    conn,
    statuses,
    frames,
    get opens() {
      return opens;
    },
  };
}

Deno.test("chat connection: subscribes on open and receives frames", async () => {
  const srv = wsServer();
  const c = client(srv.url);
  c.conn.start();
  await until(() => c.frames.length > 0, "subscribed frame");
  assert.deepEqual(c.frames[0], { type: "subscribed", room: "R1", seq: 7 });
  assert.deepEqual(JSON.parse(srv.received[0]), {
    type: "subscribe",
    room: "R1",
    after: 1,
  });
  assert.equal(c.conn.status, "online");
  c.conn.stop();
  await srv.close();
});

Deno.test("chat connection: reconnects after the server drops it and subscribes again", async () => {
  const srv = wsServer();
  const c = client(srv.url);
  c.conn.start();
  await until(() => c.opens === 1 && srv.sockets.length === 1, "first open");
  srv.sockets[0].close(4008, "slow consumer");
  await until(() => c.opens === 2, "second open");
  assert.deepEqual(c.statuses, ["online", "reconnecting", "online"]);
  await until(() => srv.received.length === 2, "second subscribe");
  assert.deepEqual(JSON.parse(srv.received[1]), {
    type: "subscribe",
    room: "R1",
    after: 2,
  });
  c.conn.stop();
  await srv.close();
});

Deno.test("chat connection: offline closes the socket and waits; online reconnects at once", async () => {
  const srv = wsServer();
  const c = client(srv.url);
  c.conn.start();
  await until(() => c.opens === 1, "first open");
  c.conn.offline();
  assert.equal(c.conn.status, "offline");
  assert.equal(c.conn.send({ type: "ping" }), false);
  await new Promise((r) => setTimeout(r, 60)); // several retry periods
  assert.equal(srv.upgrades, 1, "no reconnect while offline");
  c.conn.online();
  await until(() => c.opens === 2, "reconnect after online");
  assert.deepEqual(c.statuses, ["online", "offline", "reconnecting", "online"]);
  c.conn.stop();
  await srv.close();
});

Deno.test("chat connection: a refused upgrade is retried with backoff until accepted", async () => {
  let refusals = 3;
  const srv = wsServer({ refuse: () => refusals-- > 0 });
  const c = client(srv.url);
  c.conn.start();
  await until(() => c.opens === 1, "open after refusals");
  assert.equal(srv.upgrades, 4);
  assert.equal(c.conn.attempt, 0);
  assert.equal(c.statuses[0], "reconnecting");
  c.conn.stop();
  await srv.close();
});

Deno.test("chat connection: a silent socket is dropped by the heartbeat and replaced", async () => {
  const srv = wsServer();
  const conn = new ChatConnection({
    url: srv.url,
    baseDelayMs: 5,
    maxDelayMs: 20,
    heartbeatMs: 20,
    onStatus: () => {},
    onFrame: () => {},
    onOpen: () => {},
  });
  // The server never answers pings on this socket.
  conn.start();
  await until(() => srv.sockets.length === 1, "first socket");
  srv.sockets[0].onmessage = null;
  await until(() => srv.sockets.length === 2, "replacement socket");
  conn.stop();
  await srv.close();
});

Deno.test("chat connection: backoff grows exponentially with jitter and is capped", () => {
  const lo = () => 0;
  const hi = () => 0.999999;
  assert.equal(backoffDelay(0, 500, 15000, lo), 250);
  assert.equal(backoffDelay(0, 500, 15000, hi), 500);
  assert.equal(backoffDelay(3, 500, 15000, lo), 2000);
  assert.equal(backoffDelay(10, 500, 15000, hi), 15000);
  assert.equal(backoffDelay(1000, 500, 15000, lo), 7500);
});

Deno.test("chat connection: onRetry counts failed attempts from 1", async () => {
  let refusals = 2;
  const srv = wsServer({ refuse: () => refusals-- > 0 });
  const failures: number[] = [];
  let opened = false;
  const conn = new ChatConnection({
    url: srv.url,
    baseDelayMs: 5,
    maxDelayMs: 20,
    onStatus: () => {},
    onFrame: () => {},
    onOpen: () => opened = true,
    onRetry: (n) => failures.push(n),
  });
  conn.start();
  await until(() => opened, "open after refusals");
  assert.deepEqual(failures, [1, 2]);
  conn.stop();
  await srv.close();
});

Deno.test("chat connection: onClose gets the server's close code and may stop retrying", async () => {
  const srv = wsServer();
  const codes: number[] = [];
  const statuses: ConnectionStatus[] = [];
  const conn: ChatConnection = new ChatConnection({
    url: srv.url,
    baseDelayMs: 5,
    maxDelayMs: 20,
    onStatus: (s) => statuses.push(s),
    onFrame: () => {},
    onOpen: () => {},
    onClose: (code) => {
      codes.push(code);
      conn.stop();
    },
  });
  conn.start();
  await until(
    () => srv.sockets.length === 1 && conn.status === "online",
    "open",
  );
  srv.sockets[0].close(4001, "session ended");
  await until(() => codes.length === 1, "close seen");
  assert.deepEqual(codes, [4001]);
  await new Promise((r) => setTimeout(r, 60)); // several retry periods
  assert.equal(srv.upgrades, 1, "no reconnect after stop()");
  assert.deepEqual(statuses, ["online"]);
  await srv.close();
});
