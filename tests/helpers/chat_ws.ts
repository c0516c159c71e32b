/**
 * Test clients for the chat WebSocket: a frame inbox over the standard
 * WebSocket, and a raw TCP client that can stop reading (slow consumer).
 * @module
 */
import type { ServerFrame } from "../../lib/chat/protocol.ts";

// deno-lint-ignore no-explicit-any
type Frame = { type: ServerFrame["type"] | string } & Record<string, any>;

/** A WebSocket client that collects frames and lets a test await them. */
/**
 * How long `next` waits for a frame: a liveness bound for a machine under
 * load (CI runs test files in parallel), not a timing assertion.
 */
const FRAME_TIMEOUT_MS = 30_000;

export class ChatClient {
  readonly inbox: Frame[] = [];
  readonly closed: Promise<CloseEvent>;
  #waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (e) => resolve(e));
    });
    ws.addEventListener("message", (e) => {
      const f = JSON.parse(e.data as string) as Frame;
      const i = this.#waiters.findIndex((w) => w.pred(f));
      if (i >= 0) this.#waiters.splice(i, 1)[0].resolve(f);
      else this.inbox.push(f);
    });
  }

  /** Opens a socket to `url` with extra request headers (Cookie, Origin). */
  static async open(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<ChatClient> {
    // Deno's WebSocket accepts request headers as a second argument.
    const ws = new WebSocket(url, { headers } as unknown as string[]);
    const c = new ChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener(
        "error",
        () => reject(new Error("WebSocket failed to open")),
        { once: true },
      );
    });
    return c;
  }

  /** Sends an object as JSON, or a raw string as is. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Takes the next frame matching `pred` (already received or future). */
  next(
    pred: (f: Frame) => boolean = () => true,
    what = "a frame",
  ): Promise<Frame> {
    const i = this.inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${what}`));
      }, FRAME_TIMEOUT_MS);
      const done = (f: Frame) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.#waiters.push({ pred, resolve: done });
    });
  }

  /** Takes the next frame of `type` (and room, when given). */
  nextOf(type: string, room?: string): Promise<Frame> {
    return this.next(
      (f) => f.type === type && (room === undefined || f.room === room),
      `a ${type} frame`,
    );
  }

  /** Sends and waits for the matching ack (or error with that cid). */
  async sendMessage(room: string, text: string, cid: string): Promise<Frame> {
    this.send({ type: "send", room, text, cid });
    return await this.next(
      (f) => (f.type === "ack" || f.type === "error") && f.cid === cid,
      `ack ${cid}`,
    );
  }

  /** Subscribes and collects frames up to `subscribed`. */
  async subscribe(room: string, after?: number): Promise<Frame[]> {
    this.send({ type: "subscribe", room, after });
    const got: Frame[] = [];
    for (;;) {
      const f = await this.next(
        (f) =>
          (f.type === "message" && f.room === room) ||
          (f.type === "subscribed" && f.room === room) ||
          f.type === "error",
        `subscribed ${room}`,
      );
      if (f.type === "error") throw new Error(`${f.code}: ${f.message}`);
      got.push(f);
      if (f.type === "subscribed") return got;
    }
  }

  /** Closes the socket and waits for the close event. */
  async close(): Promise<CloseEvent> {
    if (this.ws.readyState < WebSocket.CLOSING) this.ws.close(1000);
    return await this.closed;
  }
}

/**
 * A WebSocket client on a raw TCP connection: it reads only when asked, so
 * it can play a client that stops reading (its kernel buffers fill up).
 */
export class RawWsClient {
  #buf = new Uint8Array(0);
  private constructor(readonly conn: Deno.TcpConn) {}

  /** Opens `ws://host:port/path` with the given request headers. */
  static async open(
    url: string,
    headers: Record<string, string>,
  ): Promise<RawWsClient> {
    const u = new URL(url);
    const conn = await Deno.connect({
      hostname: u.hostname,
      port: Number(u.port),
    });
    const c = new RawWsClient(conn);
    const lines = [
      `GET ${u.pathname}${u.search} HTTP/1.1`,
      `Host: ${u.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${btoa("rt-messenger-key")}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    await c.#write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const head = await c.#readUntil("\r\n\r\n");
    if (!head.startsWith("HTTP/1.1 101")) {
      conn.close();
      throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
    }
    return c;
  }

  async #write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) off += await this.conn.write(data.subarray(off));
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  async #readUntil(marker: string): Promise<string> {
    for (;;) {
      const text = new TextDecoder().decode(this.#buf);
      const i = text.indexOf(marker);
      if (i >= 0) {
        const head = text.slice(0, i + marker.length);
        this.#buf = this.#buf.subarray(new TextEncoder().encode(head).length);
        return head;
      }
      if (!(await this.#fill())) throw new Error("connection closed");
    }
  }

  async #need(n: number): Promise<boolean> {
    while (this.#buf.length < n) if (!(await this.#fill())) return false;
    return true;
  }

  /** Sends one masked text frame. */
  async sendText(text: string): Promise<void> {
    const payload = new TextEncoder().encode(text);
    const mask = crypto.getRandomValues(new Uint8Array(4));
    const len = payload.length;
    const head = len < 126
      ? [0x81, 0x80 | len]
      : len < 65536
      ? [0x81, 0x80 | 126, len >> 8, len & 255]
      : [
        0x81,
        0x80 | 127,
        0,
        0,
        0,
        0,
        (len >>> 24) & 255,
        (len >> 16) & 255,
        (len >> 8) & 255,
        len & 255,
      ];
    const frame = new Uint8Array(head.length + 4 + len);
    frame.set(head);
    frame.set(mask, head.length);
    for (let i = 0; i < len; i++) {
      frame[head.length + 4 + i] = payload[i] ^ mask[i & 3];
    }
    await this.#write(frame);
  }

  /**
   * Reads the next frame: `{opcode, text, code}` (`code` for close frames);
   * null when the connection ended.
   */
  async readFrame(): Promise<
    { opcode: number; text: string; code?: number } | null
  > {
    if (!(await this.#need(2))) return null;
    const b0 = this.#buf[0], b1 = this.#buf[1];
    let len = b1 & 127, off = 2;
    if (len === 126) {
      if (!(await this.#need(4))) return null;
      len = (this.#buf[2] << 8) | this.#buf[3];
      off = 4;
    } else if (len === 127) {
      if (!(await this.#need(10))) return null;
      len = Number(
        new DataView(this.#buf.buffer, this.#buf.byteOffset + 2, 8)
          .getBigUint64(0),
      );
      off = 10;
    }
    if (!(await this.#need(off + len))) return null;
    const payload = this.#buf.slice(off, off + len);
    this.#buf = this.#buf.subarray(off + len);
    const opcode = b0 & 15;
    if (opcode === 8) {
      const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
      return {
        opcode,
        code,
        text: new TextDecoder().decode(payload.subarray(2)),
      };
    }
    return { opcode, text: new TextDecoder().decode(payload) };
  }

  /** Closes the TCP connection. */
  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

/** Opens the chat socket of a signed-in test client (`origin` null sends none). */
export async function chatSocket(
  client: { base: string; cookieHeader: string },
  origin: string | null = client.base,
): Promise<ChatClient> {
  const headers: Record<string, string> = { cookie: client.cookieHeader };
  if (origin) headers.origin = origin;
  return await ChatClient.open(
    client.base.replace(/^http/, "ws") + "/api/ws",
    headers,
  );
}
