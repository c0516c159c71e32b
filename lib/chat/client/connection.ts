/**
 * A chat WebSocket that stays connected: reconnects with exponential backoff
 * and jitter, sends heartbeats and drops a silent socket, and goes quiet
 * while the browser says it is offline. Runs in browsers and in Deno.
 * Subscriptions are the caller's job: `onOpen` fires after every (re)connect,
 * so the caller can subscribe with `after` = the last seq it has seen.
 * @module
 */
import {
  type ClientFrame,
  PING_INTERVAL_MS,
  type ServerFrame,
} from "../protocol.ts";
import type { ConnectionStatus } from "./state.ts";

/** Options for {@link ChatConnection}. */
export interface ConnectionOptions {
  /** The ws:// or wss:// URL of `/api/ws`. */
  url: string;
  onFrame: (frame: ServerFrame) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** Called after every successful (re)connect. */
  onOpen: () => void;
  /** Called when the server closes the socket; may call `stop()` to give up. */
  onClose?: (code: number) => void;
  /** Called before each retry with the 1-based number of failed attempts. */
  onRetry?: (failures: number) => void;
  /** First retry delay, ms (default 500). */
  baseDelayMs?: number;
  /** Longest retry delay, ms (default 15000). */
  maxDelayMs?: number;
  /** Ping interval, ms (default PING_INTERVAL_MS); no frame for two intervals drops the socket. */
  heartbeatMs?: number;
  /** Random source for jitter, [0, 1). */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential from `base`,
 * capped at `max`, with "equal jitter" (between half and all of it).
 */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + random() * exp / 2);
}

/** A self-healing chat socket. */
export class ChatConnection {
  #opts:
    & Required<Omit<ConnectionOptions, "onRetry" | "onClose">>
    & ConnectionOptions;
  #ws: WebSocket | null = null;
  #status: ConnectionStatus = "connecting";
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #beatTimer: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  #stopped = true;
  #offline = false;

  constructor(opts: ConnectionOptions) {
    this.#opts = {
      baseDelayMs: 500,
      maxDelayMs: 15_000,
      heartbeatMs: PING_INTERVAL_MS,
      random: Math.random,
      ...opts,
    };
  }

  /** The current status. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Number of failed attempts since the last successful connect. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Starts connecting. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Closes the socket for good and cancels every timer. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
    this.#drop(1000);
  }

  /** Sends a frame if the socket is open; returns false otherwise. */
  send(frame: ClientFrame): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.#status !== "online") {
      return false;
    }
    ws.send(JSON.stringify(frame));
    return true;
  }

  /** The browser went offline: close now and wait for {@link online}. */
  offline(): void {
    if (this.#stopped) return;
    this.#offline = true;
    this.#clearTimers();
    this.#drop(1000);
    this.#setStatus("offline");
  }

  /** The browser is back online (or the user asked): reconnect at once. */
  online(): void {
    if (this.#stopped) return;
    this.#offline = false;
    this.#attempt = 0;
    if (this.#ws) return;
    clearTimeout(this.#retryTimer);
    this.#setStatus("reconnecting");
    this.#connect();
  }

  #setStatus(s: ConnectionStatus): void {
    if (s === this.#status) return;
    this.#status = s;
    this.#opts.onStatus(s);
  }

  #clearTimers(): void {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#beatTimer);
    this.#retryTimer = undefined;
    this.#beatTimer = undefined;
  }

  #drop(code: number): void {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen =
      ws.onmessage =
      ws.onclose =
      ws.onerror =
        null;
    try {
      ws.close(code);
    } catch {
      // already closing
    }
  }

  #connect(): void {
    if (this.#stopped || this.#offline || this.#ws) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#opts.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempt = 0;
      this.#lastHeard = Date.now();
      this.#setStatus("online");
      this.#beatTimer = setInterval(() => this.#beat(), this.#opts.heartbeatMs);
      this.#opts.onOpen();
    };
    ws.onmessage = (e: MessageEvent) => {
      this.#lastHeard = Date.now();
      if (typeof e.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (
        frame && typeof frame === "object" && typeof frame.type === "string"
      ) {
        this.#opts.onFrame(frame);
      }
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      clearInterval(this.#beatTimer);
      this.#beatTimer = undefined;
      this.#opts.onClose?.(e.code);
      this.#scheduleRetry();
    };
  }

  #beat(): void {
    const ws = this.#ws;
    if (!ws) return;
    if (Date.now() - this.#lastHeard > 2 * this.#opts.heartbeatMs) {
      // Silent for too long: assume a dead connection and start over.
      clearInterval(this.#beatTimer);
      this.#beatTimer = undefined;
      this.#drop(4000);
      this.#scheduleRetry();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: "ping" }));
    }
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#offline) return;
    this.#setStatus("reconnecting");
    const delay = backoffDelay(
      this.#attempt++,
      this.#opts.baseDelayMs,
      this.#opts.maxDelayMs,
      this.#opts.random,
    );
    this.#opts.onRetry?.(this.#attempt);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }
}
