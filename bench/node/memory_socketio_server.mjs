// The Socket.IO 4 reference for bench/memory.ts: authenticated sockets
// (a token in the CONNECT packet) that join a room on request and get
// broadcasts in it. Prints its port. Usage: node memory_socketio_server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });
io.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  if (typeof token !== "string" || !token.startsWith("user")) {
    return next(new Error("unauthorized"));
  }
  socket.data.user = token;
  next();
});
io.on("connection", (socket) => {
  socket.on("subscribe", (room, ack) => {
    socket.join(room);
    ack?.({ room });
  });
  socket.on("send", (room, text) => {
    io.to(room).emit("message", { room, text, user: socket.data.user });
  });
});
http.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: http.address().port }));
});
