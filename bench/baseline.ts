import { loadServer, startBenchServer } from './http-load';
import type { ServerRun } from './report';
import { NO_BATCHING_ENV } from './server-protocol';
import { connectionCounts, stageRequests, type ServerBenchOptions } from './stage-server';

/**
 * The same model built the way Google's samples build a Pub/Sub function (`functions.cloudEvent`, one message
 * per call, no batching, the default backend), under the same push requests as the stage server. Reports the
 * best concurrency level.
 */
export async function benchBaseline(stageKey: string, options: ServerBenchOptions): Promise<ServerRun> {
  const requests = stageRequests(stageKey, 2_000);
  if (!requests) throw new Error(`no sample input for stage "${stageKey}" (bench/samples.ts)`);
  const server = await startBenchServer('baseline', stageKey, NO_BATCHING_ENV);
  try {
    await loadServer(server, { ...requests, connections: 4, durationSeconds: 1, maxRequests: 200 });
    let best: ServerRun | undefined;
    for (const connections of connectionCounts(options.quick, requests.concurrency)) {
      const run = await loadServer(server, { ...requests, connections, durationSeconds: options.quick ? 3 : 10, maxRequests: options.quick ? 20_000 : 200_000 });
      options.log?.(`baseline ${stageKey} ×${connections}: ${run.perSec}/s, p50 ${run.latencyMs.p50} ms, ${run.cpuMsPerMsg} ms CPU/msg, non-2xx ${run.non2xx}`);
      if (!best || run.perSec > best.perSec) best = run;
    }
    return best as ServerRun;
  } finally {
    await server.stop();
  }
}
