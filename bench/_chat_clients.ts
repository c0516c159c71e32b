/**
 * Worker for bench/chat_fanout.ts: opens receiver and sender sockets in one
 * room and reports send→receipt latencies of every delivery. Two loads:
 * `window` (closed loop: each sender keeps WINDOW messages in flight,
 * counted by the echo of its own messages) and `rate` (open loop: the
 * senders together offer `rate` messages/s for `seconds`). Speaks our JSON
 * frames or Socket.IO 4 (Engine.IO v4 over a plain WebSocket: `40` connect,
 * `42[event, data]` events, `2`/`3` ping/pong), so every server gets the
 * same client code. Times use `timeOrigin + now()` so they compare across
 * workers.
 * @module
 */
/// <reference lib="deno.worker" />

interface Job {
  url: string;
  headers: Record<string, string>;
  room: string;
  protocol: "json" | "socketio";
  receivers: number;
  senders: number;
  /** Index of this worker's first sender (for unique cids). */
  senderBase: number;
  /** Window mode: messages per sender, and messages every socket must get. */
  messages: number;
  window: number;
  expect: number;
  /** Rate mode (when > 0): messages/s offered by this worker's senders. */
  rate: number;
  seconds: number;
}

const clock = () => performance.timeOrigin + performance.now();
let job: Job;
const sockets: WebSocket[] = [];
const senders: { ws: WebSocket; id: number }[] = [];

/** Sends a frame `{type, ...}` in the job's protocol. */
function put(ws: WebSocket, frame: Record<string, unknown>): void {
  if (job.protocol === "json") return ws.send(JSON.stringify(frame));
  const { type, ...data } = frame;
  ws.send("42" + JSON.stringify([type, data]));
}

/** Parses a frame in the job's protocol (null for protocol chatter). */
function take(ws: WebSocket, data: string): Record<string, unknown> | null {
  if (job.protocol === "json") return JSON.parse(data);
  if (data.startsWith("42")) {
    const [type, body] = JSON.parse(data.slice(2));
    return { ...body, type };
  }
  if (data === "2") ws.send("3");
  else if (data.startsWith("0")) ws.send("40");
  else if (data.startsWith("40")) return { type: "connected" };
  return null;
}

function open(): Promise<WebSocket> {
  const ws = new WebSocket(job.url, { headers: job.headers } as never);
  return new Promise((resolve, reject) => {
    const subscribe = () => put(ws, { type: "subscribe", room: job.room });
    ws.onopen = () => {
      if (job.protocol === "json") subscribe();
    };
    ws.onmessage = (e) => {
      const f = take(ws, e.data);
      if (f?.type === "connected") subscribe();
      if (f?.type === "subscribed") resolve(ws);
    };
    ws.onerror = () => reject(new Error(`cannot open ${job.url}`));
  });
}

async function runWindow(): Promise<void> {
  const lat = new Float64Array(job.expect * sockets.length);
  let n = 0;
  const echo = new Map<WebSocket, () => void>();
  const done = sockets.map((ws) =>
    new Promise<void>((resolve) => {
      let got = 0;
      const mine = senders.find((s) => s.ws === ws);
      const prefix = mine ? `s${mine.id}-` : "\0";
      ws.onmessage = (ev) => {
        const f = take(ws, ev.data);
        if (f?.type !== "message") return;
        const m = f.message as { text: string; cid: string };
        lat[n++] = clock() - Number(m.text);
        if (m.cid.startsWith(prefix)) echo.get(ws)?.();
        if (++got === job.expect) resolve();
      };
    })
  );
  for (const { ws, id } of senders) {
    let next = 0, inFlight = 0;
    const pump = () => {
      while (inFlight < job.window && next < job.messages) {
        inFlight++;
        put(ws, {
          type: "send",
          room: job.room,
          text: String(clock()),
          cid: `s${id}-${next++}`,
        });
      }
    };
    echo.set(ws, () => {
      inFlight--;
      pump();
    });
    pump();
  }
  await Promise.all(done);
  await finish(lat.slice(0, n), n);
}

const TEXT = '"text":"';

/** Loads run so far (cids stay unique across loads on the same sockets). */
let runs = 0;

async function runRate(): Promise<void> {
  runs++;
  let lat = new Float64Array(1 << 16);
  let last = 0;
  let n = 0;
  const got = new Int32Array(sockets.length);
  sockets.forEach((ws, i) => {
    ws.onmessage = (ev) => {
      // Cheap on the client (the same for every server): a delivery is
      // found by its `"text":"<send time>"`, without parsing the frame.
      const data: string = ev.data;
      const at = data.indexOf(TEXT);
      if (at < 0 || !data.includes("message")) {
        take(ws, data);
        return;
      }
      const from = at + TEXT.length;
      const sentAt = Number(data.slice(from, data.indexOf('"', from)));
      if (n === lat.length) {
        const bigger = new Float64Array(lat.length * 2);
        bigger.set(lat);
        lat = bigger;
      }
      last = clock();
      lat[n++] = last - sentAt;
      got[i]++;
    };
  });
  // Offer the load: every 5 ms, send what the schedule says is due.
  let sent = 0;
  const start = clock();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = (clock() - start) / 1000;
      const due = Math.min(
        Math.floor(elapsed * job.rate),
        Math.floor(job.seconds * job.rate),
      );
      while (sent < due && senders.length) {
        const { ws, id } = senders[sent % senders.length];
        put(ws, {
          type: "send",
          room: job.room,
          text: String(clock()),
          cid: `s${id}-r${runs}-${sent++}`,
        });
      }
      if (elapsed >= job.seconds) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 5);
  });
  self.postMessage({ type: "sent", sent });
  // Wait for the total sent by all workers, then for the deliveries (or
  // give up 5 s later: what is missing then counts as not delivered).
  const total = await new Promise<number>((resolve) => expectTotal = resolve);
  const deadline = clock() + 5000;
  while (clock() < deadline && got.some((g) => g < total)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // The sockets stay open for the next load (the worker is terminated).
  const out = lat.slice(0, n);
  self.postMessage(
    { type: "done", latencies: out, delivered: n, start, last },
    [out.buffer],
  );
}

let expectTotal: (total: number) => void = () => {};

async function finish(out: Float64Array, delivered: number): Promise<void> {
  for (const ws of sockets) {
    const closed = new Promise((r) => ws.onclose = r);
    ws.close();
    await closed;
  }
  self.postMessage({ type: "done", latencies: out, delivered }, [out.buffer]);
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
    if (e.data.rate > 0) {
      job.rate = e.data.rate;
      job.seconds = e.data.seconds;
      await runRate();
    } else await runWindow();
  } else if (e.data.type === "expect") {
    expectTotal(e.data.total);
  }
};
