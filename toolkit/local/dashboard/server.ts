import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import type { CompiledTopology } from '../../core/pipeline/topology';
import type { DeadLetterReader } from './dead-letter-reader';
import { DASHBOARD_DEFAULTS } from './defaults';
import { pipelineGraph } from './graph';
import type { RequestGuard } from './guard';
import type { DashboardState } from './state';

/** What the dashboard's HTTP server serves. */
export interface DashboardServerOptions {
  readonly topology: CompiledTopology;
  readonly state: DashboardState;
  readonly deadLetters: DeadLetterReader;
  /** Made once the port is known (the guard checks Host and Origin against it). */
  readonly guard: () => RequestGuard;
  readonly pushIntervalMillis?: number;
}

/** A file the server sends as it is. */
interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const PUBLIC = join(__dirname, 'public');
const TOKEN_PLACEHOLDER = '__DASHBOARD_TOKEN__';

/** The page, its script and style, and the chart and graph libraries' browser bundles, from node_modules. */
function loadAssets(): Map<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  const files: [string, string, string][] = [
    ['/app.js', join(PUBLIC, 'app.js'), js],
    ['/style.css', join(PUBLIC, 'style.css'), css],
    ['/vendor/cytoscape.min.js', require.resolve('cytoscape/dist/cytoscape.min.js'), js],
    ['/vendor/uPlot.iife.min.js', require.resolve('uplot/dist/uPlot.iife.min.js'), js],
    ['/vendor/uPlot.min.css', require.resolve('uplot/dist/uPlot.min.css'), css],
  ];
  return new Map(files.map(([path, file, type]) => [path, { type, body: readFileSync(file) }]));
}

const replayBody = z.object({ messageId: z.string().min(1).max(200), token: z.string() });

/**
 * The dashboard's HTTP server (node:http; not listening yet). Read-only but for one POST, the replay; every
 * answer carries a Content-Security-Policy that allows only this server's own scripts, so even a payload that
 * slipped past the page's escaping could not run.
 */
export function createDashboardServer(options: DashboardServerOptions): Server {
  const { topology, state, deadLetters } = options;
  const assets = loadAssets();
  const page = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
  const graph = JSON.stringify({ name: topology.name, project: topology.project, ...pipelineGraph(topology) });
  const pushInterval = options.pushIntervalMillis ?? DASHBOARD_DEFAULTS.pushIntervalMillis;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const guard = options.guard();
    const hostProblem = guard.hostProblem(req.headers);
    if (hostProblem) return sendJson(res, 403, { error: hostProblem });
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (req.method === 'POST' && url.pathname === '/api/dead-letters/replay') return replay(req, res, guard);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `${req.method} ${url.pathname}: the dashboard is read-only (only POST /api/dead-letters/replay changes anything)` });
    switch (url.pathname) {
      case '/':
        return send(res, 200, 'text/html; charset=utf-8', Buffer.from(page.replace(TOKEN_PLACEHOLDER, guard.token)));
      case '/favicon.ico':
        return send(res, 204, 'image/x-icon', Buffer.alloc(0));
      case '/api/graph':
        return send(res, 200, 'application/json', Buffer.from(graph));
      case '/api/snapshot':
        return sendJson(res, 200, { ...state.snapshot(), deadLetters: deadLetters.latest() });
      case '/api/events':
        return events(req, res);
      case '/api/journey': {
        const correlationId = url.searchParams.get('correlationId')?.trim() ?? '';
        if (!correlationId) return sendJson(res, 400, { error: 'give the request\'s correlationId: /api/journey?correlationId=ID' });
        const journey = state.journey(correlationId);
        if (!journey) return sendJson(res, 404, { error: `no stage has logged a message with correlationId ${JSON.stringify(correlationId)} since the dashboard started` });
        return sendJson(res, 200, journey);
      }
      case '/api/dead-letters':
        return sendJson(res, 200, await deadLetters.refresh());
      default: {
        const asset = assets.get(url.pathname);
        if (asset) return send(res, 200, asset.type, asset.body);
        return sendJson(res, 404, { error: `nothing at ${url.pathname}` });
      }
    }
  };

  const replay = async (req: IncomingMessage, res: ServerResponse, guard: RequestGuard): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, DASHBOARD_DEFAULTS.maxRequestBytes));
    } catch (error) {
      return sendJson(res, 400, { error: `the replay request must be a JSON object {"messageId", "token"}: ${(error as Error).message}` });
    }
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['token'] : undefined;
    const refused = guard.writeProblem(req.headers, token);
    if (refused) return sendJson(res, 403, { error: `replay refused: ${refused}` });
    const parsed = replayBody.safeParse(body);
    if (!parsed.success) return sendJson(res, 400, { error: 'the replay request must be {"messageId": "<dead letter messageId>", "token": "..."}' });
    const summary = await deadLetters.replay(parsed.data.messageId);
    for (const item of summary.items) if (item.status === 'replayed' && item.topic) state.notePublished(item.topic, 1);
    return sendJson(res, summary.selected === 0 ? 404 : summary.failed + summary.skipped > 0 ? 409 : 200, summary);
  };

  /** Server-Sent Events: a snapshot every interval, until the page goes away. */
  const events = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    const push = (): void => {
      res.write(`data: ${JSON.stringify({ ...state.snapshot(), deadLetters: deadLetters.latest() })}\n\n`);
    };
    push();
    const timer = setInterval(push, pushInterval);
    req.on('close', () => clearInterval(timer));
  };

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
}

const SECURITY_HEADERS = {
  // Scripts only from this server. Inline styles are allowed because the graph library sets them on its canvas
  // container; a style cannot run code.
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, type: string, body: Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', Buffer.from(JSON.stringify(value)));
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error(`body larger than ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
