// Socket.IO 4 on Node, the peer of bench/chat_fanout.ts: the same room
// broadcast as the raw Deno server (subscribe joins a room, send re-emits
// the message to everyone in it; no storage, no checks), WebSocket
// transport only. Prints its port as JSON.
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http, {
  transports: ["websocket"],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 1e6,
});
let seq = 0;
io.on("connection", (socket) => {
  socket.on("subscribe", (f) => {
    socket.join(f.room);
    socket.emit("subscribed", { room: f.room, seq });
  });
  socket.on("send", (f) => {
    io.to(f.room).emit("message", {
      room: f.room,
      message: { seq: ++seq, text: f.text, cid: f.cid },
    });
  });
});
http.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: http.address().port }));
});
process.on("SIGTERM", () => process.exit(0));
