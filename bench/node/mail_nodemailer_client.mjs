// The reference for bench/mail.ts: plain nodemailer on Node, pooled, the
// same pool settings and the same personalised mails as our sender.
// Usage: node mail_nodemailer_client.mjs PORT COUNT MAX_CONNECTIONS MAX_MESSAGES
import nodemailer from "nodemailer";

const [port, count, maxConnections, maxMessages] = process.argv.slice(2).map(
  Number,
);
const transport = nodemailer.createTransport({
  host: "127.0.0.1",
  port,
  secure: false,
  pool: true,
  maxConnections,
  maxMessages,
});
const body = "Dear {name},\n\nThis is the monthly update for {email}. " +
  "It has a few paragraphs of text so that the mail has a realistic size.\n\n"
    .repeat(3) +
  "Unsubscribe: http://localhost:8000/unsubscribe/{token}\n";
let next = 0;
let sent = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    const name = `First${i} Last${i}`;
    const email = `r${i}@bench.test`;
    const token = `tok${i}`.padEnd(27, "x");
    await transport.sendMail({
      from: { name: "bench", address: "no-reply@bench.test" },
      to: { name, address: email },
      subject: `Hello First${i}`,
      text: body.replaceAll("{name}", name).replaceAll("{email}", email)
        .replaceAll("{token}", token),
      headers: {
        "List-Unsubscribe": `<http://localhost:8000/unsubscribe/${token}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    sent++;
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: maxConnections }, worker));
const seconds = (performance.now() - t0) / 1000;
transport.close();
console.log(
  JSON.stringify({
    sent,
    seconds,
    perSecond: sent / seconds,
    node: process.version,
  }),
);
