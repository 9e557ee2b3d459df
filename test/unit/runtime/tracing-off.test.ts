/**
 * Tracing off (no SDK installed, as `npm start` runs by default): nothing is recorded, and the context a message
 * arrived with goes on to the next hop under both carriers, so an official-client consumer still joins the trace.
 */
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { textStageHarness } from '../../support/factories/text-stage-harness';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Pushes one message with `attributes`; what the stage published on and the line it logged. */
async function deliver(attributes: Record<string, string>) {
  const stage = textStageHarness({ now: new Date('2024-05-01T12:00:01Z') });
  await stage.deliver(attributes);
  return { attributes: stage.publisher.published[0]?.message.attributes ?? {}, log: stage.logLine() };
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
