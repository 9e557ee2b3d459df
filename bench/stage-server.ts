import { pipeline } from '../functions/pipeline';
import { loadServer, pushBodies, startBenchServer } from './http-load';
import type { ServerRun } from './report';
import { stageSample, type SampleMessage } from './samples';

/** Options of `benchStageServer` and `benchBaseline`. */
export interface ServerBenchOptions {
  readonly quick: boolean;
  readonly log?: (line: string) => void;
}

/** Distinct push bodies for a stage, and the push path its subscription uses; undefined for a stage without samples. */
export function stageRequests(stageKey: string, count: number): { path: string; bodies: string[]; sample: SampleMessage; concurrency: number } | undefined {
  const topology = pipeline.compile({ project: 'bench-project' });
  const stage = topology.stages[stageKey];
  const first = stageSample(stageKey, 0);
  if (!stage || !first) return undefined;
  const messages = Array.from({ length: count }, (_, i) => stageSample(stageKey, i) as SampleMessage);
  const subscription = topology.subscriptions[stage.subscription];
  return { path: stage.pushPath, bodies: pushBodies(messages, subscription?.path ?? ''), sample: first, concurrency: stage.maxInstanceRequestConcurrency };
}

/**
 * Connection counts tried: 2 (what the emulator pushes at once per subscription), the stage's configured
 * `maxInstanceRequestConcurrency` (what one Cloud Functions instance is given at most), and more (several
 * instances' worth, or what a pull worker holds).
 */
export function connectionCounts(quick: boolean, stageConcurrency: number): number[] {
  const counts = quick ? [2, stageConcurrency, 16] : [1, 2, stageConcurrency, 16, 32];
  return [...new Set(counts)].sort((a, b) => a - b);
}

/**
 * A stage's HTTP server (the real push handler, functions-framework's server) under concurrent push requests,
 * without the emulator, at several concurrency levels. Each level runs for a bounded time and request count.
 */
export async function benchStageServer(stageKey: string, options: ServerBenchOptions): Promise<ServerRun[]> {
  const requests = stageRequests(stageKey, 2_000);
  if (!requests) throw new Error(`no sample input for stage "${stageKey}" (bench/samples.ts)`);
  const server = await startBenchServer('stage', stageKey, {});
  const runs: ServerRun[] = [];
  try {
    // A short warm-up so that the first measured level does not pay for JIT and first batches.
    const warmUp = await loadServer(server, { ...requests, connections: 4, durationSeconds: 1, maxRequests: 200 });
    // Long enough for some 20 responses per level even on a slow stage (OCR of a page), within 30 s.
    const durationSeconds = Math.min(30, Math.max(options.quick ? 3 : 10, Math.ceil(20 / Math.max(warmUp.perSec, 0.5))));
    for (const connections of connectionCounts(options.quick, requests.concurrency)) {
      const run = await loadServer(server, { ...requests, connections, durationSeconds, maxRequests: options.quick ? 20_000 : 200_000 });
      options.log?.(`server ${stageKey} ×${connections}: ${run.perSec}/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, ${run.cpuMsPerMsg} ms CPU/msg, non-2xx ${run.non2xx}`);
      runs.push(run);
    }
  } finally {
    await server.stop();
  }
  return runs;
}
