/**
 * The live dashboard in a real browser (Debian's headless Chromium) against the whole local pipeline: the page
 * draws every stage of the topology, counts change as requests flow, a request's journey appears, a dead letter
 * is replayed from the page, and what a message carries is shown as text, never run as HTML.
 */
import { copyFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { startDashboard, type Dashboard } from '../../toolkit/local/dashboard';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { pipelineEnds, useLocalPipeline } from '../support/local-pipeline';

jest.setTimeout(180_000);

// The functions below passed to page.evaluate/waitForFunction run in the page, where these exist; the project
// compiles without the DOM library, so they are declared here as far as the tests use them.
interface PageElement {
  readonly textContent: string | null;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { readonly length: number };
};
declare const window: Record<string, unknown>;

/** A payload and a correlationId that would run script if the page put them in as HTML. */
const HOSTILE_PAYLOAD = '<img src=x onerror="window.__injected = 1"><script>window.__injected = 2</script>';
const HOSTILE_ID = 'dash-<script>window.__injected=3</script>';

describe('dashboard', () => {
  let dashboard: Dashboard | undefined;
  let browser: TestBrowser | undefined;
  const run = useLocalPipeline('dashboard', { echo: (source, line) => dashboard?.observe(source, line) });

  beforeAll(async () => {
    dashboard = await startDashboard({ topology: run.local.topology, emulatorHost: run.local.emulator.hostPort, port: 0 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  const openPage = async (): Promise<Page> => {
    const page = await browser!.context.newPage();
    await page.goto(dashboard!.url);
    await page.waitForFunction(() => document.getElementById('live-text')?.textContent === 'live');
    return page;
  };
  const count = (page: Page, stage: string, outcome: string): Promise<number> =>
    page.$eval(`#stages tr[data-stage="${stage}"] td[data-outcome="${outcome}"]`, (cell) => Number(cell.textContent));

  it('shows every stage, live counts, a journey, and replays a dead letter from the page', async () => {
    // Prepare
    const { local, pubsub } = run;
    const stages = Object.keys(local.topology.stages);
    const entryStages = Object.values(local.topology.stages).filter((stage) => stage.consumes === local.topology.ingress).map((stage) => stage.key);
    const ingress = pubsub.topic(pipelineEnds(local.topology).ingress);
    const page = await openPage();
    const drawn = await page.evaluate(() => {
      const graph = window['dashboardGraph'] as { nodes(selector: string): { map(f: (node: { data(key: string): string }) => string): string[] } };
      return graph.nodes('.stage').map((node) => node.data('key'));
    });
    const before = await Promise.all(entryStages.map((stage) => count(page, stage, 'published')));

    // Act: three good requests and one that can never succeed (not JSON), whose payload and id are hostile.
    const ids = ['dash-1', 'dash-2', 'dash-3'];
    await Promise.all(ids.map((id) => ingress.publishMessage({ json: { text: `I love this product, it works perfectly (${id}).` }, attributes: { [ATTR.correlationId]: id } })));
    await ingress.publishMessage({ data: Buffer.from(HOSTILE_PAYLOAD), attributes: { [ATTR.correlationId]: HOSTILE_ID } });

    // Assess: every stage of the topology is drawn and has its row.
    expect(drawn.sort()).toEqual([...stages].sort());
    for (const stage of stages) await page.locator(`#stages tr[data-stage="${stage}"]`).waitFor();
    // The counts change: each request is published by an entry stage (or filtered by the other).
    await page.waitForFunction(
      ({ entry, floor }) => {
        const total = entry.reduce((sum, stage) => sum + Number(document.querySelector(`#stages tr[data-stage="${stage}"] td[data-outcome="published"]`)?.textContent ?? 0), 0);
        return total >= floor;
      },
      { entry: entryStages, floor: before.reduce((a, b) => a + b, 0) + ids.length },
      { timeout: 60_000 },
    );
    // A journey: every hop with its timing, attributes and outcome.
    await page.fill('#correlation-id', 'dash-1');
    await page.click('#journey-form button');
    await page.waitForFunction(() => document.querySelectorAll('#journey tbody tr').length >= 2, undefined, { timeout: 30_000 });
    const hops = await page.$$eval('#journey tbody tr', (rows) => rows.map((row) => ({ stage: row.getAttribute('data-hop'), text: row.textContent ?? '' })));
    expect(hops.every((hop) => hop.stage && stages.includes(hop.stage))).toBe(true);
    expect(hops[0]!.text).toMatch(/published|filtered/);
    expect(hops[0]!.text).toContain(`${ATTR.correlationId}=dash-1`);

    // The dead letter appears, shown as text.
    const letter = page.locator('#dead-letters tbody tr', { hasText: HOSTILE_ID });
    await letter.waitFor({ timeout: 60_000 });
    expect(await letter.locator('.payload').textContent()).toBe(HOSTILE_PAYLOAD);
    expect(await letter.textContent()).toContain('INVALID_JSON');
    expect(await page.locator('#dead-letters img, #dead-letters script').count()).toBe(0);
    // The picture in the README: the whole page with a journey open (UPDATE_DASHBOARD_SCREENSHOT=1 writes it).
    await page.fill('#correlation-id', 'dash-1');
    await page.click('#journey-form button');
    await page.locator('#journey tbody tr').first().waitFor();
    await page.screenshot({ path: join(tmpdir(), 'dashboard.png'), fullPage: true });
    if (process.env['UPDATE_DASHBOARD_SCREENSHOT']) copyFileSync(join(tmpdir(), 'dashboard.png'), join(__dirname, '..', '..', 'docs', 'dashboard.png'));

    // Replay it from the page: it goes back to its topic, fails again, and its journey shows both attempts.
    await letter.locator('button[data-replay]').click();
    await page.waitForFunction(() => /^Replayed /.test(document.getElementById('dead-letter-message')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.fill('#correlation-id', HOSTILE_ID);
    await page.waitForFunction(
      async (id) => {
        const response = await fetch(`/api/journey?correlationId=${encodeURIComponent(id)}`);
        if (!response.ok) return false;
        const journey = (await response.json()) as { hops: { outcome: string }[] };
        return journey.hops.filter((hop) => hop.outcome === 'dead-lettered').length >= 2;
      },
      HOSTILE_ID,
      { timeout: 60_000, polling: 1_000 },
    );
    await page.click('#journey-form button');
    await page.waitForFunction(() => document.querySelectorAll('#journey tbody tr .outcome.dead-lettered').length >= 2, undefined, { timeout: 10_000 });
    expect(await page.locator('#journey tbody', { hasText: HOSTILE_ID }).count()).toBe(1);
    expect(await page.evaluate(() => window['__injected'])).toBeUndefined();
    await page.close();
  });

  it('refuses a replay from another origin, without the token, or through another host name (403)', async () => {
    // Prepare
    const { port } = new URL(dashboard!.url);
    const origin = `http://127.0.0.1:${port}`;
    const body = (token: string): string => JSON.stringify({ messageId: 'no-such-letter', token });
    const page = await openPage();
    // Another web page open in the same browser: served from another origin (another port of loopback).
    const elsewhere = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const foreign = await browser!.context.newPage();
    await foreign.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);

    // Act
    const crossOrigin = await post(port, { Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body(dashboard!.token));
    const noToken = await post(port, { Origin: origin, 'Content-Type': 'application/json' }, JSON.stringify({ messageId: 'no-such-letter' }));
    const wrongToken = await post(port, { Origin: origin, 'Content-Type': 'application/json' }, body('guess'));
    const rebound = await post(port, { Host: `attacker.example:${port}`, Origin: `http://attacker.example:${port}`, 'Content-Type': 'application/json' }, body(dashboard!.token));
    const fromPageWithoutToken = await page.evaluate(async () => (await fetch('/api/dead-letters/replay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: 'x' }) })).status);
    // That page, even knowing the token: a JSON POST needs a CORS preflight, which the dashboard never grants.
    const fromForeignPage = await foreign.evaluate(
      async ({ url, token }) => {
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messageId: 'x', token }) });
          return `answered ${response.status}`;
        } catch (error) {
          return `blocked: ${(error as Error).message}`;
        }
      },
      { url: `${dashboard!.url}api/dead-letters/replay`, token: dashboard!.token },
    );
    const withToken = await post(port, { Origin: origin, 'Content-Type': 'application/json' }, body(dashboard!.token));

    // Assess
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.error).toMatch(/Origin "http:\/\/evil.example" is not this dashboard's page/);
    expect(noToken.status).toBe(403);
    expect(noToken.error).toMatch(/token/);
    expect(wrongToken.status).toBe(403);
    expect(rebound.status).toBe(403);
    expect(rebound.error).toMatch(/Host header/);
    expect(fromPageWithoutToken).toBe(403);
    expect(fromForeignPage).toMatch(/^blocked: Failed to fetch/);
    // The same request with the page's token and Origin gets through the guard (and finds no such dead letter).
    expect(withToken.status).toBe(404);
    await Promise.all([page.close(), foreign.close()]);
    // The browser keeps its connection alive; close it, or close() waits for it to time out.
    elsewhere.closeAllConnections();
    await new Promise((resolve) => elsewhere.close(resolve));
  });
});

/** A POST to the dashboard with exactly these headers (fetch would not let a test set Origin or Host). */
function post(port: string, headers: Record<string, string>, body: string): Promise<{ status: number; error: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), method: 'POST', path: '/api/dead-letters/replay', headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, error: String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: string }).error) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
