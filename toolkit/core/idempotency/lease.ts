import type { CompiledTopology } from '../pipeline/topology';
import { IDEMPOTENCY_DEFAULTS } from './defaults';

/**
 * Each stage's lease, from its compiled timeout: a delivery cannot run longer than the function's timeout, so a
 * lease of the timeout plus a margin is never taken over from a delivery that is still running.
 */
export function leaseMillisFromTopology(topology: CompiledTopology, marginMillis: number = IDEMPOTENCY_DEFAULTS.leaseMarginMillis): (stage: string) => number {
  const leases = new Map(Object.values(topology.stages).map((stage) => [stage.key, stage.timeoutSeconds * 1000 + marginMillis]));
  return (stage) => {
    const lease = leases.get(stage);
    if (lease === undefined) throw new Error(`no lease for stage "${stage}": it is not in the topology (stages: ${[...leases.keys()].join(', ')})`);
    return lease;
  };
}
