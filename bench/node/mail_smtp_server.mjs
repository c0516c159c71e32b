// A plain smtp-server sink for bench/mail.ts, run under Node so that
// neither client under test shares its event loop. Prints its port.
import { SMTPServer } from "smtp-server";

let count = 0;
const server = new SMTPServer({
  logger: false,
  disabledCommands: ["AUTH", "STARTTLS"],
  size: 10 * 1024 * 1024,
  onData(stream, _session, cb) {
    stream.on("data", () => {});
    stream.on("end", () => {
      count++;
      cb();
    });
  },
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.server.address().port }));
});
process.stdin.on("data", () => console.log(JSON.stringify({ count })));
process.stdin.on("end", () => server.close(() => process.exit(0)));
