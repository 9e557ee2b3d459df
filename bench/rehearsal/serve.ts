/**
 * Starts an installed function as Cloud Run would: `functions-framework --target=<entryPoint>` from the archive's
 * own node_modules, in the unpacked directory, with only the environment it is given. A relay in front of it
 * records each push request (arrival, answer, status) and the process's resident memory at its first answer, so
 * the cold start is measured from the process's start to its first acknowledgement.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../../toolkit/local/ports';
import { startProcess, waitUntil } from '../../toolkit/local/processes';

/** One push request as the relay saw it; times are ms since the process was started. */
export interface RelayedRequest {
  readonly arrivedMs: number;
  readonly answeredMs: number;
  readonly status: number;
}

/** A running function. */
export interface ServedFunction {
  readonly pid: number;
  /** Where Pub/Sub should push: the relay, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** ms from spawn to the port accepting connections. */
  readonly listeningMs: number;
  readonly requests: readonly RelayedRequest[];
  /** VmRSS of the process right after its first answer, bytes. */
  rssAtFirstAnswerBytes(): number | undefined;
  /** VmRSS now, bytes. */
  rssBytes(): number | undefined;
  /** Everything the process wrote. */
  output(): string;
  stop(): Promise<void>;
}

/** Reads VmRSS of a process from /proc (Linux), in bytes. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the function and waits until it listens. */
export async function serveFunction(options: {
  readonly dir: string;
  readonly entryPoint: string;
  readonly env: Readonly<Record<string, string>>;
  readonly listenTimeoutMillis: number;
}): Promise<ServedFunction> {
  const port = await freePort();
  const bin = path.join(options.dir, 'node_modules', '.bin', 'functions-framework');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: the archive's dependencies do not include @google-cloud/functions-framework`);
  const started = performance.now();
  // Node itself (not npx, not a shell) so that the pid is the process whose memory is read; its own process
  // group, stopped as a whole (SIGTERM, then SIGKILL 3 s later).
  const child = startProcess(`function ${options.entryPoint}`, process.execPath, [bin, `--target=${options.entryPoint}`, '--signature-type=http', `--port=${port}`], {
    cwd: options.dir,
    env: { ...options.env, PORT: String(port) },
  });
  const { pid } = child;
  const output = (): string => child.output();
  const stop = () => child.stop(3_000);
  try {
    // Polled every 10 ms: the time to listening is one of the figures.
    await waitUntil(`function ${options.entryPoint} listening on port ${port}`, () => connects(port), { timeoutMillis: options.listenTimeoutMillis, process: child, intervalMillis: 10 });
  } catch (error) {
    await stop();
    throw error;
  }
  const listeningMs = performance.now() - started;

  const requests: RelayedRequest[] = [];
  let rssAtFirstAnswer: number | undefined;
  const relay = http.createServer((req, res) => {
    const arrivedMs = performance.now() - started;
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const status = answer.statusCode ?? 0;
      if (requests.length === 0) rssAtFirstAnswer = residentBytes(pid);
      requests.push({ arrivedMs, answeredMs: performance.now() - started, status });
      res.writeHead(status, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      requests.push({ arrivedMs, answeredMs: performance.now() - started, status: 0 });
      res.writeHead(502).end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = (relay.address() as net.AddressInfo).port;

  return {
    pid,
    url: `http://127.0.0.1:${relayPort}`,
    listeningMs,
    requests,
    rssAtFirstAnswerBytes: () => rssAtFirstAnswer,
    rssBytes: () => residentBytes(pid),
    output,
    stop: async () => {
      relay.closeAllConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await stop();
    },
  };
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
