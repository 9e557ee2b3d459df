import { z } from 'zod';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { send } from '../fakes/http';
import { FakePublisher } from '../fakes/publisher';
import { pushBody } from './push-body';

/** The help desk's topology, as the tracing tests compile it. */
export const helpDeskTopology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev' });

/**
 * The help desk's `language` stage behind the real push handler, with `handle` applied to the text and `lang` set
 * to `en`: a fake publisher records what it publishes, and its log lines are kept. `deliver` pushes `{"text":
 * "hello"}` with the given attributes; `logLine` is the per-message line.
 */
export function textStageHarness(options: { readonly now: Date; readonly handle?: (text: string) => Promise<string> | string }) {
  const handle = options.handle ?? ((text: string) => text);
  const publisher = new FakePublisher();
  const lines: string[] = [];
  const handler = createStageHandler(
    {
      stage: 'language',
      input: z.object({ text: z.string() }),
      expects: 'JSON {"text": string}',
      output: z.object({ text: z.string() }),
      loadDependencies: async () => ({}),
      handle: async (input) => ({ data: { text: await handle(input.text) }, attributes: { lang: 'en' } }),
    },
    { topology: helpDeskTopology, publisher, logger: createLogger({}, (line) => lines.push(line)), now: () => options.now },
  );
  const path = helpDeskTopology.stages['language']?.pushPath ?? '/';
  const deliver = (attributes: Record<string, string>, messageId = '42') => send(handler, { body: pushBody({ messageId, data: { text: 'hello' }, attributes }), path });
  const logLine = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => 'outcome' in entry);
  return { publisher, deliver, logLine };
}
