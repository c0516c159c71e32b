/**
 * The raw reference server of the chat benchmarks: a minimal `Deno.serve`
 * WebSocket broadcast (rooms as sets of sockets, no storage, no checks)
 * speaking the subset of our protocol the benches use.
 * @module
 */

/** Starts the raw broadcast server on a free port of 127.0.0.1. */
export function serveRawBroadcast(
  onListen: (addr: Deno.NetAddr) => void,
  signal?: AbortSignal,
): Deno.HttpServer {
  const rooms = new Map<string, Set<WebSocket>>();
  let seq = 0;
  return Deno.serve({ port: 0, hostname: "127.0.0.1", signal, onListen }, (
    req,
  ) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const mine = new Set<string>();
    socket.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.type === "subscribe") {
        let set = rooms.get(f.room);
        if (!set) rooms.set(f.room, set = new Set());
        set.add(socket);
        mine.add(f.room);
        socket.send(JSON.stringify({ type: "subscribed", room: f.room, seq }));
      } else if (f.type === "send") {
        const text = JSON.stringify({
          type: "message",
          room: f.room,
          message: { seq: ++seq, text: f.text, cid: f.cid },
        });
        for (const s of rooms.get(f.room) ?? []) s.send(text);
      } else if (f.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = () => {
      for (const r of mine) rooms.get(r)?.delete(socket);
    };
    return response;
  });
}
