import http from "node:http";
import https from "node:https";

/**
 * How long a kept-alive connection to the Bot API may sit idle before we
 * close it ourselves. grammY's own agents keep idle connections forever
 * (and, with no timeout of their own, Node ignores a server's
 * `Keep-Alive: timeout=` hint), so the server — or a proxy or NAT on the
 * way — closes them first, and an answer written onto a connection the
 * server is closing at that moment is reset (ECONNRESET: 11 in 4,000
 * answers). Below the 5 s of Node-based servers and far below nginx's
 * 75 s; a server announcing less is still honoured (less a second).
 */
export const IDLE_CONNECTION_MS = 4_000;

/** Appended to the error of a request reset on a reused connection before any answer: see {@link wasResetUnsent}. */
const RESET_UNSENT = " (reset on a reused keep-alive connection before any answer)";

/**
 * The agent for Bot API calls without a proxy: keep-alive with the idle
 * limit above, and a reset met by a request on a reused connection before
 * any answer came is marked as such. The server closed that connection
 * while it was idle, so it read none of the request: a retry cannot
 * duplicate the answer. (A reset on a fresh connection, or after the
 * answer began, proves nothing of the kind. A server that read the request
 * and then died would be taken for the idle close: Node's own rule for
 * retrying, `request.reusedSocket` and ECONNRESET, makes the same bet.)
 */
export function apiAgent(apiRoot: string): http.Agent {
  const Base = apiRoot.startsWith("https:") ? https.Agent : http.Agent;
  const agent = new Base({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  const reuse = agent.reuseSocket.bind(agent);
  // Runs before node-fetch's own error listener (it listens once the request is created), which copies the message.
  agent.reuseSocket = (socket, req) => {
    let answered = false;
    req.once("response", () => (answered = true));
    req.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" && !answered) err.message += RESET_UNSENT;
    });
    reuse(socket, req);
  };
  return agent;
}

/** True for the error of a request that a server reset on a reused connection before reading it (see {@link apiAgent}). */
export function wasResetUnsent(err: unknown): boolean {
  return (
    err instanceof Error && (err as NodeJS.ErrnoException).code === "ECONNRESET" && err.message.endsWith(RESET_UNSENT)
  );
}
