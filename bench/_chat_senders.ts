/**
 * Worker for bench/chat_writes.ts: opens one socket per sender (each with
 * its own session and room), keeps `window` sends in flight per socket and
 * reports send→ack latencies. Sends are counted by their `ack` frames.
 * @module
 */
/// <reference lib="deno.worker" />
import { line } from "./_chat_text.ts";

interface Sender {
  cookie: string;
  room: string;
}

interface Job {
  url: string;
  origin: string;
  senders: Sender[];
  /** Index of this worker's first sender (for unique cids). */
  base: number;
  messages: number;
  window: number;
}

let job: Job;
const sockets: WebSocket[] = [];

function open(s: Sender): Promise<WebSocket> {
  const ws = new WebSocket(job.url, {
    headers: { cookie: s.cookie, origin: job.origin },
  } as never);
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`cannot open ${job.url}`));
  });
}

self.onmessage = async (e: MessageEvent) => {
  if (e.data.type === "job") {
    job = e.data.job;
    for (const s of job.senders) sockets.push(await open(s));
    self.postMessage({ type: "ready" });
  } else if (e.data.type === "go") {
    const total = job.senders.length * job.messages;
    const lat = new Float64Array(total);
    let n = 0;
    let errors = 0;
    let firstError = "";
    const done = job.senders.map((s, i) =>
      new Promise<void>((resolve) => {
        const ws = sockets[i];
        const id = job.base + i;
        const sentAt = new Map<string, number>();
        let next = 0, acked = 0;
        const pump = () => {
          while (sentAt.size < job.window && next < job.messages) {
            const cid = `s${id}-${next}`;
            sentAt.set(cid, performance.now());
            ws.send(JSON.stringify({
              type: "send",
              room: s.room,
              text: line(id * 100_003 + next++),
              cid,
            }));
          }
        };
        ws.onmessage = (ev) => {
          const f = JSON.parse(ev.data);
          if (f.type !== "ack" && f.type !== "error") return;
          const t = sentAt.get(f.cid);
          if (t === undefined) return;
          sentAt.delete(f.cid);
          if (f.type === "ack") lat[n++] = performance.now() - t;
          else {
            errors++;
            firstError ||= `${f.code}: ${f.message}`;
          }
          if (++acked === job.messages) resolve();
          else pump();
        };
        pump();
      })
    );
    await Promise.all(done);
    for (const ws of sockets) {
      const closed = new Promise((r) => ws.onclose = r);
      ws.close();
      await closed;
    }
    const out = lat.slice(0, n);
    self.postMessage({ type: "done", latencies: out, errors, firstError }, [
      out.buffer,
    ]);
  }
};
