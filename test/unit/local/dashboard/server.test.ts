import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplaySummary } from '../../../../toolkit/core/dead-letters';
import type { DeadLetterList, DeadLetterReader } from '../../../../toolkit/local/dashboard/dead-letter-reader';
import { createRequestGuard, type RequestGuard } from '../../../../toolkit/local/dashboard/guard';
import { createDashboardServer } from '../../../../toolkit/local/dashboard/server';
import { createDashboardState } from '../../../../toolkit/local/dashboard/state';
import { hopLine } from '../../../support/factories/hop-line';
import { twoStageTopology } from './two-stage-topology';

const TOKEN = 't'.repeat(43);

/** A dead-letter reader that records replays instead of talking to Pub/Sub. */
function fakeReader(): DeadLetterReader & { replayed: string[] } {
  const list: DeadLetterList = { total: 0, truncated: false, items: [], readAtMillis: 1 };
  const replayed: string[] = [];
  return {
    replayed,
    latest: () => list,
    refresh: async () => list,
    settled: async () => undefined,
    replay: async (messageId) => {
      replayed.push(messageId);
      const summary: ReplaySummary = { subscription: 'dash-dead-all', dryRun: false, scanned: 1, truncated: false, selected: 1, replayed: 1, wouldReplay: 0, skipped: 0, failed: 0, items: [{ messageId, reason: 'INVALID_JSON', topic: 'dash-middle', status: 'replayed', replayMessageId: 'r1', replayCount: 1 }] };
      return summary;
    },
  };
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('dashboard server', () => {
  const topology = twoStageTopology();
  const state = createDashboardState(topology);
  const reader = fakeReader();
  let guard: RequestGuard | undefined;
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    server = createDashboardServer({ topology, state, deadLetters: reader, guard: () => guard as RequestGuard });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    guard = createRequestGuard(port, TOKEN);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page with its token, the libraries from node_modules, and a script policy of its own origin only', async () => {
    // Act
    const page = await call(port, 'GET', '/');
    const graphLibrary = await call(port, 'GET', '/vendor/cytoscape.min.js');
    const chartLibrary = await call(port, 'GET', '/vendor/uPlot.iife.min.js');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="dashboard-token" content="${TOKEN}">`);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(graphLibrary.status).toBe(200);
    expect(graphLibrary.body.length).toBeGreaterThan(100_000);
    expect(chartLibrary.status).toBe(200);
  });

  it('answers the graph, snapshots and journeys as JSON', async () => {
    // Prepare
    state.observe('first', hopLine({ stage: 'first', outcome: 'published', messageId: 'm1', correlationId: 'req-1', outputTopic: 'dash-middle' }));

    // Act
    const graph = JSON.parse((await call(port, 'GET', '/api/graph')).body) as { name: string; nodes: { kind: string }[] };
    const snapshot = JSON.parse((await call(port, 'GET', '/api/snapshot')).body) as { hops: number };
    const journey = await call(port, 'GET', '/api/journey?correlationId=req-1');
    const missing = await call(port, 'GET', '/api/journey?correlationId=nobody');

    // Assess
    expect(graph.name).toBe('dash');
    expect(graph.nodes.filter((node) => node.kind === 'stage')).toHaveLength(2);
    expect(snapshot.hops).toBe(1);
    expect(JSON.parse(journey.body)).toMatchObject({ correlationId: 'req-1', hops: [{ stage: 'first', outcome: 'published' }] });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toMatch(/no stage has logged a message with correlationId "nobody"/);
  });

  it('replays only for its own page, and changes nothing else', async () => {
    // Prepare
    const own = { Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json' };

    // Act
    const refused = await call(port, 'POST', '/api/dead-letters/replay', { ...own, Origin: 'http://evil.example' }, JSON.stringify({ messageId: 'd1', token: TOKEN }));
    const noToken = await call(port, 'POST', '/api/dead-letters/replay', own, JSON.stringify({ messageId: 'd1' }));
    const rebound = await call(port, 'GET', '/api/snapshot', { Host: 'rebound.example' });
    const put = await call(port, 'PUT', '/api/dead-letters/replay', own, '{}');
    const replayed = await call(port, 'POST', '/api/dead-letters/replay', own, JSON.stringify({ messageId: 'd1', token: TOKEN }));
    const after = state.snapshot().subscriptions.find((subscription) => subscription.stage === 'second');

    // Assess
    expect([refused.status, noToken.status, rebound.status]).toEqual([403, 403, 403]);
    expect(put.status).toBe(405);
    expect(replayed.status).toBe(200);
    expect(reader.replayed).toEqual(['d1']);
    // The replay to `middle` counts as published there: 1 from the stage's log line, 1 replay.
    expect(after?.published).toBe(2);
  });
});
