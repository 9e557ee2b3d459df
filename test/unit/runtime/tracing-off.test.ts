/**
 * Tracing off (no SDK installed, as `npm start` runs by default): nothing is recorded, and the context a message
 * arrived with goes on to the next hop under both carriers, so an official-client consumer still joins the trace.
 */
import { z } from 'zod';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { createLogger } from '../../../toolkit/core/runtime/logger';
import { createStageHandler } from '../../../toolkit/core/runtime/stage-handler';
import { pushBody } from '../../support/factories/push-body';
import { send } from '../../support/fakes/http';
import { FakePublisher } from '../../support/fakes/publisher';

const topology = compileTopology(pipeline, { project: 'test-project', prefix: 'dev' });
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function deliver(attributes: Record<string, string>) {
  const publisher = new FakePublisher();
  const lines: string[] = [];
  const handler = createStageHandler(
    {
      stage: 'language',
      input: z.object({ text: z.string() }),
      expects: 'JSON {"text": string}',
      output: z.object({ text: z.string() }),
      loadDependencies: async () => ({}),
      handle: (input) => ({ data: input, attributes: { lang: 'en' } }),
    },
    { topology, publisher, logger: createLogger({}, (line) => lines.push(line)), now: () => new Date('2024-05-01T12:00:01Z') },
  );
  await send(handler, { body: pushBody({ data: { text: 'hello' }, attributes }), path: topology.stages['language']?.pushPath ?? '/' });
  const log = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => 'outcome' in entry);
  return { attributes: publisher.published[0]?.message.attributes ?? {}, log };
}

describe('with tracing off', () => {
  it('carries the W3C traceparent on under both keys and logs its trace', async () => {
    const { attributes, log } = await deliver({ [ATTR.traceparent]: TRACEPARENT });
    expect(attributes[ATTR.traceparent]).toBe(TRACEPARENT);
    expect(attributes[ATTR.googclientTraceparent]).toBe(TRACEPARENT);
    expect(log).toMatchObject({ 'logging.googleapis.com/trace': 'projects/test-project/traces/4bf92f3577b34da6a3ce929d0e0e4736', 'logging.googleapis.com/spanId': '00f067aa0ba902b7' });
  });

  it('carries the official client context on under both keys', async () => {
    const { attributes } = await deliver({ [ATTR.googclientTraceparent]: TRACEPARENT });
    expect(attributes[ATTR.traceparent]).toBe(TRACEPARENT);
    expect(attributes[ATTR.googclientTraceparent]).toBe(TRACEPARENT);
  });

  it('adds no trace to a message that carried none', async () => {
    const { attributes, log } = await deliver({});
    expect(attributes[ATTR.traceparent]).toBeUndefined();
    expect(attributes[ATTR.googclientTraceparent]).toBeUndefined();
    expect(log?.['logging.googleapis.com/trace']).toBeUndefined();
  });
});
