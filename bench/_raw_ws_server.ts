/**
 * The raw reference for bench/memory.ts: a minimal `Deno.serve` WebSocket
 * broadcast server (rooms as sets of sockets, no storage, no checks), run as
 * its own process so its memory can be read alone. Prints its port.
 *
 *   deno run -A bench/_raw_ws_server.ts
 * @module
 */
const rooms = new Map<string, Set<WebSocket>>();
let seq = 0;
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: (a) => console.log(JSON.stringify({ port: a.port })),
}, (req) => {
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
    } else if (f.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
  };
  socket.onclose = () => {
    for (const r of mine) rooms.get(r)?.delete(socket);
  };
  return response;
});
