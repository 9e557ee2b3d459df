/**
 * The live local dashboard `npm start` serves on 127.0.0.1: the pipeline drawn from the compiled topology, per-stage
 * rates, latencies and outcomes, backlogs, dead letters with replay, and a request's journey. It learns everything
 * from the stages' structured log lines (fed to `observe`) and from the emulator (dead letters); see
 * docs/dashboard.md.
 */
import { PubSub } from '@google-cloud/pubsub';
import type { AddressInfo } from 'node:net';
import type { CompiledTopology } from '../../core/pipeline/topology';
import { createDeadLetterReader } from './dead-letter-reader';
import { DASHBOARD_DEFAULTS } from './defaults';
import { createRequestGuard, type RequestGuard } from './guard';
import { createDashboardServer } from './server';
import { createDashboardState, type DashboardState } from './state';

export { DASHBOARD_DEFAULTS } from './defaults';

/** Options of `startDashboard`. */
export interface DashboardOptions {
  readonly topology: CompiledTopology;
  /** `host:port` of the Pub/Sub emulator the pipeline runs on. */
  readonly emulatorHost: string;
  /** Port on 127.0.0.1; 0 for a free one. Default `DASHBOARD_DEFAULTS.port`. */
  readonly port?: number;
  /** Per-run token for replays; random when absent (tests pass their own). */
  readonly token?: string;
}

/** A running dashboard. */
export interface Dashboard {
  /** Where the page is, e.g. `http://127.0.0.1:8790/`. */
  readonly url: string;
  /** The per-run token the page carries; replays without it are refused. */
  readonly token: string;
  readonly state: DashboardState;
  /** Feed every line a stage printed (the runner's `echo`). */
  observe(source: string, line: string): void;
  /** Stops serving and closes the emulator client. */
  close(): Promise<void>;
}

/** Starts the dashboard's server on loopback and begins reading the dead letters. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { topology } = options;
  const state = createDashboardState(topology);
  const pubsub = new PubSub({ projectId: topology.project, apiEndpoint: options.emulatorHost, emulatorMode: true });
  const deadLetters = createDeadLetterReader(pubsub, topology, (list) => state.notePeeked(topology.deadLetterSubscription, list.total));
  let guard: RequestGuard | undefined;
  const server = createDashboardServer({
    topology,
    state,
    deadLetters,
    guard: () => {
      if (!guard) throw new Error('the dashboard answered before it knew its port');
      return guard;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} on ${DASHBOARD_DEFAULTS.host} is taken: set DASHBOARD_PORT to a free port, 0 for any, or off`) : error),
    );
    server.listen(options.port ?? DASHBOARD_DEFAULTS.port, DASHBOARD_DEFAULTS.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  guard = createRequestGuard(port, options.token);

  // Dead letters are read soon after a stage logs one, and now and then for those Pub/Sub moves itself.
  let debounce: NodeJS.Timeout | undefined;
  state.onHop((hop) => {
    if (hop.outcome !== 'dead-lettered' || debounce) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      void deadLetters.refresh();
    }, DASHBOARD_DEFAULTS.deadLetterDebounceMillis);
  });
  const periodic = setInterval(() => void deadLetters.refresh(), DASHBOARD_DEFAULTS.deadLetterRefreshMillis);
  void deadLetters.refresh();

  return {
    url: `http://${DASHBOARD_DEFAULTS.host}:${port}/`,
    token: guard.token,
    state,
    observe: (source, line) => state.observe(source, line),
    close: async () => {
      clearInterval(periodic);
      clearTimeout(debounce);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Let a read in progress hand its messages back before the client goes.
      await deadLetters.settled();
      await pubsub.close();
    },
  };
}
