import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../toolkit/local/ports';
import { readProcessUsage, waitForIdle } from './proc-usage';
import type { ServerRun } from './report';
import type { SampleMessage } from './samples';
import type { ServerMessage } from './server-protocol';
import { summarize } from './stats';

const SERVE_STAGE = join(__dirname, 'serve-stage.ts');

/** A benchmark server in a child process of its own (bench/serve-stage.ts). */
export interface BenchServer {
  readonly pid: number;
  readonly url: string;
  /** What it has published so far: messages per topic, and their billable bytes in all. */
  published(): Promise<{ published: Record<string, number>; publishedBytes: number }>;
  stop(): Promise<void>;
}

/** Starts bench/serve-stage.ts in `mode` for `stage` on a free loopback port and waits until it listens. */
export async function startBenchServer(mode: 'stage' | 'baseline', stage: string, env: NodeJS.ProcessEnv, readyTimeoutMillis = 120_000): Promise<BenchServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVE_STAGE, mode, stage, String(port)], {
    // stdout (one log line per message, as in production) goes nowhere; stderr is kept for errors.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Gone.
      }
    }, 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${mode} server for ${stage}: not ready after ${readyTimeoutMillis} ms\n${stderr}`)), readyTimeoutMillis);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${mode} server for ${stage} failed to start: ${message.error}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} server for ${stage} exited with ${code} before it was ready\n${stderr}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    published: () =>
      new Promise((resolve) => {
        const onMessage = (message: ServerMessage): void => {
          if (message.type !== 'stats') return;
          child.off('message', onMessage);
          resolve({ published: message.published, publishedBytes: message.publishedBytes });
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    stop,
  };
}

/** Raw Pub/Sub push bodies (as Google Cloud sends them) for the sample messages, each with its own message id. */
export function pushBodies(messages: readonly SampleMessage[], subscriptionPath: string): string[] {
  return messages.map((message, i) =>
    JSON.stringify({
      message: { data: message.data.toString('base64'), attributes: message.attributes, messageId: `${100000 + i}`, message_id: `${100000 + i}`, publishTime: new Date().toISOString() },
      subscription: subscriptionPath,
    }),
  );
}

/** Options of `loadServer`. */
export interface LoadOptions {
  readonly path: string;
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  readonly maxRequests: number;
}

/**
 * Sends real push requests to the server from `connections` concurrent connections for `durationSeconds` or
 * `maxRequests` requests, whichever ends first (autocannon, loopback only), and measures throughput, latency,
 * and the server process's CPU and peak memory from /proc.
 */
export async function loadServer(server: BenchServer, options: LoadOptions): Promise<ServerRun> {
  let next = 0;
  const latencies: number[] = [];
  // The server is idle here: it was ready, or the level before ended with `waitForIdle` below.
  const before = readProcessUsage(server.pid);
  const publishedBefore = await server.published();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: options.connections,
        // autocannon's `amount` would override `duration`; the request cap is enforced below instead.
        duration: options.durationSeconds,
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: options.path,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              const body = options.bodies[next % options.bodies.length] as string;
              next += 1;
              return { ...request, body };
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      if (latencies.length === options.maxRequests) instance.stop();
    });
  });
  // A level ends when the server has finished what it was sent, so that the CPU it spent is divided by the messages
  // it processed, not by those answered within the window, and none of it is left for the next level.
  await waitForIdle(server.pid);
  const after = readProcessUsage(server.pid);
  const publishedAfter = await server.published();
  const outcomes: Record<string, number> = {};
  for (const [topic, count] of Object.entries(publishedAfter.published)) outcomes[topic] = count - (publishedBefore.published[topic] ?? 0);
  const publishedCount = Object.values(outcomes).reduce((sum, n) => sum + n, 0);
  const ok = result['2xx'];
  const processed = publishedCount > 0 ? publishedCount : ok;
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    connections: options.connections,
    perSec: Math.round((ok / seconds) * 10) / 10,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    // No response within the window (a stage far slower than the window): a zero-count summary, not NaNs.
    latencyMs: latencies.length > 0 ? summarize(latencies) : { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    // Every message the server processes publishes one (its result, or its dead letter).
    cpuMsPerMsg: processed > 0 ? Math.round(((after.cpuMillis - before.cpuMillis) / processed) * 1000) / 1000 : 0,
    peakRssMb: Math.round(after.peakRssBytes / 2 ** 20),
    outcomes,
    meanPublishedBytes: publishedCount > 0 ? Math.round((publishedAfter.publishedBytes - publishedBefore.publishedBytes) / publishedCount) : 0,
  };
}
