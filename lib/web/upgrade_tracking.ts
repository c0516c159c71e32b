/**
 * Lets the connection layer learn that a request became a WebSocket (so an
 * upgraded connection is counted until the socket closes and never cut as
 * idle): the server registers a watcher per request, the WebSocket route
 * reports its socket with {@link trackUpgrade}.
 * @module
 */

const watchers = new WeakMap<Request, (socket: WebSocket) => void>();

/** Server side: call `fn` if `req` is upgraded to a WebSocket. */
export function watchUpgrades(
  req: Request,
  fn: (socket: WebSocket) => void,
): void {
  watchers.set(req, fn);
}

/** Route side: `req` was upgraded to `socket`. */
export function trackUpgrade(req: Request, socket: WebSocket): void {
  watchers.get(req)?.(socket);
  watchers.delete(req);
}

const closings = new WeakMap<WebSocket, Promise<void>>();

/**
 * Resolves when `socket` has closed. Every caller shares one promise and one
 * `close` listener per socket (the connection layer and the chat socket cap
 * both wait on each socket; listeners cost memory on idle sockets).
 */
export function socketClosed(socket: WebSocket): Promise<void> {
  let closed = closings.get(socket);
  if (closed) return closed;
  closed = socket.readyState === WebSocket.CLOSED
    ? Promise.resolve()
    : new Promise((resolve) =>
      socket.addEventListener("close", () => resolve(), { once: true })
    );
  closings.set(socket, closed);
  return closed;
}
