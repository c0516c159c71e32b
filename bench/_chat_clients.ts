/**
 * Worker for bench/chat_fanout.ts: opens receiver and sender sockets, sends
 * with a window of in-flight messages, and reports send→receipt latencies.
 * Times use `timeOrigin + now()` so they compare across workers.
 * @module
 */
/// <reference lib="deno.worker" />

interface Job {
  url: string;
  headers: Record<string, string>;
  room: string;
  receivers: number;
  senders: number;
  /** Index of this worker's first sender (for unique cids). */
  senderBase: number;
  messages: number;
  window: number;
  /** Messages every socket must receive. */
  expect: number;
}

const clock = () => performance.timeOrigin + performance.now();
let job: Job;
const sockets: WebSocket[] = [];
const senders: { ws: WebSocket; id: number }[] = [];

function open(): Promise<WebSocket> {
  const ws = new WebSocket(job.url, { headers: job.headers } as never);
  return new Promise((resolve, reject) => {
    ws.onopen = () => {
      ws.onmessage = (e) => {
        if (JSON.parse(e.data).type === "subscribed") resolve(ws);
      };
      ws.send(JSON.stringify({ type: "subscribe", room: job.room }));
    };
    ws.onerror = () => reject(new Error(`cannot open ${job.url}`));
  });
}

self.onmessage = async (e: MessageEvent) => {
  if (e.data.type === "job") {
    job = e.data.job;
    for (let i = 0; i < job.receivers + job.senders; i++) {
      const ws = await open();
      sockets.push(ws);
      if (i >= job.receivers) {
        senders.push({ ws, id: job.senderBase + i - job.receivers });
      }
    }
    self.postMessage({ type: "ready" });
  } else if (e.data.type === "go") {
    const lat = new Float64Array(job.expect * sockets.length);
    let n = 0;
    const echo = new Map<WebSocket, () => void>();
    const done = sockets.map((ws) =>
      new Promise<void>((resolve) => {
        let got = 0;
        const mine = senders.find((s) => s.ws === ws);
        const prefix = mine ? `s${mine.id}-` : "\0";
        ws.onmessage = (ev) => {
          const f = JSON.parse(ev.data);
          if (f.type !== "message") return;
          lat[n++] = clock() - Number(f.message.text);
          if (f.message.cid.startsWith(prefix)) echo.get(ws)?.();
          if (++got === job.expect) resolve();
        };
      })
    );
    for (const { ws, id } of senders) {
      let next = 0, inFlight = 0;
      const pump = () => {
        while (inFlight < job.window && next < job.messages) {
          inFlight++;
          ws.send(JSON.stringify({
            type: "send",
            room: job.room,
            text: String(clock()),
            cid: `s${id}-${next++}`,
          }));
        }
      };
      echo.set(ws, () => {
        inFlight--;
        pump();
      });
      pump();
    }
    await Promise.all(done);
    for (const ws of sockets) {
      const closed = new Promise((r) => ws.onclose = r);
      ws.close();
      await closed;
    }
    const out = lat.slice(0, n);
    self.postMessage({ type: "done", latencies: out }, [out.buffer]);
  }
};
