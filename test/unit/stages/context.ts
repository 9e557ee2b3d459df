import { createLogger } from '../../../toolkit/core/runtime/logger';
import type { StageContext } from '../../../toolkit/core/runtime/stage-definition';
import { receivedMessage } from '../../support/factories/received-message';

/** A handler's context around `deps`, with a logger that keeps its lines in `lines`. */
export function stageContext<Deps>(deps: Deps): StageContext<Deps> & { lines: string[] } {
  const lines: string[] = [];
  return {
    deps,
    message: receivedMessage(),
    correlationId: 'corr-1',
    logger: createLogger({}, (line) => lines.push(line)),
    now: () => new Date('2026-11-01T12:00:00Z'),
    lines,
  };
}
