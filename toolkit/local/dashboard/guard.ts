import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the dashboard. It listens on loopback only, but any web page open in the user's browser can
 * send requests to loopback, and a DNS-rebinding page can even read the answers. So:
 * - every request must name this server in its `Host` header (a rebinding page's requests carry its own host name);
 * - a request that changes something (replay) must come from the dashboard's own page: an `Origin` header of this
 *   server, no `Sec-Fetch-Site` other than `same-origin`, a JSON body (cross-origin JSON needs a CORS preflight,
 *   which this server never grants) and the per-run token that only the page served by this process carries.
 */
export interface RequestGuard {
  /** The per-run secret embedded in the page. */
  readonly token: string;
  /** Why a request for anything is refused, or undefined when its Host header names this server. */
  hostProblem(headers: IncomingHttpHeaders): string | undefined;
  /** Why a replay request is refused, or undefined when it comes from the dashboard's own page. */
  writeProblem(headers: IncomingHttpHeaders, token: unknown): string | undefined;
}

/** A guard for a dashboard listening on `port` of the loopback interface. */
export function createRequestGuard(port: number, token: string = randomBytes(32).toString('base64url')): RequestGuard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  const expected = Buffer.from(token);
  const hostProblem = (headers: IncomingHttpHeaders): string | undefined => {
    const host = headers.host?.toLowerCase();
    return host && hosts.has(host) ? undefined : `Host header ${JSON.stringify(headers.host ?? '')} is not this dashboard (expected one of ${[...hosts].join(', ')})`;
  };
  return {
    token,
    hostProblem,
    writeProblem(headers, given) {
      const host = hostProblem(headers);
      if (host) return host;
      const origin = headers.origin;
      if (!origin || !origins.has(origin.toLowerCase())) return `Origin ${JSON.stringify(origin ?? '(none)')} is not this dashboard's page`;
      const site = headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site "${site}": only the dashboard's own page may replay`;
      if (!(headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return 'the request body must be JSON (Content-Type: application/json)';
      const candidate = typeof given === 'string' ? Buffer.from(given) : Buffer.alloc(0);
      if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) return "missing or wrong token: reload the dashboard's page";
      return undefined;
    },
  };
}
