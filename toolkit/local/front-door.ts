import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The local stand-in for the Google front end that sits before every Cloud Functions (2nd gen) instance. Pub/Sub
 * never pushes to an instance directly: when an instance crashes mid-request, or none is up, the front end
 * answers the push with a 5xx and Pub/Sub retries with the subscription's backoff. Locally, push subscriptions
 * point here and this forwards to the stage server; a connection refused or reset becomes a 503 and a request
 * past the function's timeout a 504, as in production. Without it the emulator sees the bare connection errors,
 * and it does not redeliver messages whose push failed that way (README, emulator gaps).
 */
export interface FrontDoor {
  /** Base URL the push subscription targets (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly port: number;
  /** Requests answered 503 (no server, or it died mid-request) and 504 (past the timeout) so far. */
  failures(): { readonly unavailable: number; readonly timedOut: number };
  /**
   * Resolves once a request has been forwarded in full to the stage server and awaits its answer: the moment to
   * crash the server mid-request (fault-injection runs).
   */
  nextRequestInFlight(): Promise<void>;
  close(): Promise<void>;
}

/** Options of `startFrontDoor`. */
export interface FrontDoorOptions {
  /** Where the stage server listens (127.0.0.1). */
  readonly targetPort: number;
  /** The function's timeout: a request still running after this is answered 504, as Cloud Functions does. */
  readonly timeoutMillis: number;
  /** Port to listen on; a free one when 0 or absent. */
  readonly port?: number;
}

/** Starts a front door on 127.0.0.1 forwarding to the stage server on `targetPort`. */
export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const failures = { unavailable: 0, timedOut: 0 };
  let waiting: (() => void)[] = [];
  const server = createServer((req, res) =>
    forward(req, res, options, {
      failed: (status) => {
        if (status === 503) failures.unavailable += 1;
        else failures.timedOut += 1;
      },
      sent: () => {
        const resolve = waiting;
        waiting = [];
        for (const done of resolve) done();
      },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    failures: () => ({ ...failures }),
    nextRequestInFlight: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () => closeServer(server),
  };
}

/** What `forward` reports: a request answered 503/504 by the door, a request sent in full to the server. */
interface ForwardEvents {
  failed(status: 503 | 504): void;
  sent(): void;
}

function forward(req: IncomingMessage, res: ServerResponse, options: FrontDoorOptions, events: ForwardEvents): void {
  let answered = false;
  const fail = (status: 503 | 504, reason: string): void => {
    if (answered) return;
    answered = true;
    events.failed(status);
    // The response may have started (headers sent) before the instance died: then only cutting it off is left.
    if (res.headersSent) res.destroy();
    else res.writeHead(status, { 'content-type': 'text/plain' }).end(`${reason}\n`);
  };
  const upstream = request({ host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers: req.headers }, (response) => {
    answered = true;
    res.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(res);
    response.once('end', () => clearTimeout(timer));
    response.once('error', () => res.destroy());
  });
  const timer = setTimeout(() => {
    fail(504, `the function did not answer within its timeout of ${options.timeoutMillis} ms`);
    upstream.destroy();
  }, options.timeoutMillis);
  upstream.once('error', (error: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    fail(503, `the request failed because the instance is not running or crashed (${error.code ?? error.message})`);
  });
  upstream.once('finish', () => {
    if (!answered) events.sent();
  });
  req.pipe(upstream);
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
