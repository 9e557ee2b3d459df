import { createDashboardState, percentiles } from '../../../../toolkit/local/dashboard/state';
import { hopLine } from '../../../support/factories/hop-line';
import { twoStageTopology } from './two-stage-topology';

const at = (second: number): string => new Date(Date.UTC(2026, 10, 30, 10, 0, second)).toISOString();
const NOW = Date.UTC(2026, 10, 30, 10, 0, 30);

describe('dashboard state', () => {
  it('counts outcomes, latency percentiles and messages a second per stage', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology());

    // Act
    for (let i = 1; i <= 100; i += 1) state.observe('first', hopLine({ stage: 'first', outcome: 'published', messageId: `m${i}`, correlationId: `c${i}`, latencyMs: i, time: at(i % 2 === 0 ? 28 : 29), outputTopic: 'dash-middle' }));
    state.observe('first', hopLine({ stage: 'first', outcome: 'dead-lettered', messageId: 'bad', correlationId: 'bad', time: at(29), errorCode: 'INVALID_JSON' }));
    const snapshot = state.snapshot(NOW);

    // Assess
    const first = snapshot.stages.find((stage) => stage.stage === 'first')!;
    expect(first.counts).toEqual({ published: 100, duplicate: 0, filtered: 0, 'dead-lettered': 1, retry: 0 });
    expect(first.latency).toEqual({ samples: 101, p50: 50, p95: 95, p99: 99 });
    expect(first.rate.published.slice(-3)).toEqual([50, 50, 0]);
    expect(first.rate['dead-lettered'].slice(-2)).toEqual([1, 0]);
    expect(snapshot.hops).toBe(101);
    expect(snapshot.stages.map((stage) => stage.stage)).toEqual(['first', 'second']);
  });

  it('derives a backlog from publishes seen and distinct acknowledgements, and says where it is unknown', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology());
    const line = (stage: string, outcome: string, messageId: string, extra: Record<string, unknown> = {}): void => state.observe(stage, hopLine({ stage, outcome, messageId, correlationId: messageId, ...extra }));

    // Act: three results of `first` go to `middle`; `second` acknowledges one, retries another then acknowledges
    // it, and sees one redelivery of a message it had already acknowledged; `first` retries one ingress message.
    for (const id of ['a', 'b', 'c']) line('first', 'published', `in-${id}`, { outputTopic: 'dash-middle', outputMessageId: id });
    line('first', 'retry', 'in-d');
    line('second', 'published', 'a', { outputTopic: 'dash-output' });
    line('second', 'retry', 'b');
    line('second', 'published', 'b', { outputTopic: 'dash-output' });
    line('second', 'duplicate', 'a');
    state.notePeeked('deadAll', 4);
    const backlog = Object.fromEntries(state.snapshot(NOW).subscriptions.map((subscription) => [subscription.key, subscription]));

    // Assess
    const secondSubscription = Object.values(backlog).find((subscription) => subscription.stage === 'second')!;
    expect(secondSubscription).toMatchObject({ topic: 'dash-middle', published: 3, acked: 2, retrying: 0, backlog: 1, source: 'logs' });
    const firstSubscription = Object.values(backlog).find((subscription) => subscription.stage === 'first')!;
    expect(firstSubscription).toMatchObject({ topic: 'dash-input', acked: 3, retrying: 1, source: 'unknown' });
    expect(firstSubscription.published).toBeUndefined();
    expect(firstSubscription.backlog).toBeUndefined();
    expect(backlog['deadAll']).toMatchObject({ backlog: 4, source: 'peek' });
    expect(backlog['outputAll']).toMatchObject({ published: 2, source: 'unknown' });
  });

  it('counts a replay the dashboard published towards its topic', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology());

    // Act
    state.notePublished('dash-middle', 2);

    // Assess
    const second = state.snapshot(NOW).subscriptions.find((subscription) => subscription.stage === 'second')!;
    expect(second).toMatchObject({ published: 2, acked: 0, backlog: 2 });
  });

  it('puts together a journey in the order its hops started, with attributes and outcomes', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology());

    // Act: lines arrive out of order; the second hop started 40 ms after the first.
    state.observe('second', hopLine({ stage: 'second', outcome: 'published', messageId: 'x2', correlationId: 'req', time: '2026-11-30T10:00:00.100Z', latencyMs: 20, attributes: { lang: 'en', stage: 'first' } }));
    state.observe('first', hopLine({ stage: 'first', outcome: 'published', messageId: 'x1', correlationId: 'req', time: '2026-11-30T10:00:00.050Z', latencyMs: 10, attributes: { correlationId: 'req' }, outputTopic: 'dash-middle' }));
    state.observe('first', hopLine({ stage: 'first', outcome: 'published', messageId: 'y1', correlationId: 'other' }));
    const journey = state.journey('req');

    // Assess
    expect(journey).toEqual({
      correlationId: 'req',
      spanMs: 60,
      hops: [
        expect.objectContaining({ stage: 'first', offsetMs: 0, latencyMs: 10, outcome: 'published', outputTopic: 'dash-middle', attributes: { correlationId: 'req' } }),
        expect.objectContaining({ stage: 'second', offsetMs: 40, latencyMs: 20, attributes: { lang: 'en', stage: 'first' } }),
      ],
    });
    expect(state.journey('unknown')).toBeUndefined();
    expect(state.snapshot(NOW).recent.map((entry) => entry.correlationId)).toEqual(['other', 'req']);
  });

  it('ignores lines that are not a known stage\'s per-message line', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology());

    // Act
    for (const line of [
      'Serving function...',
      '{not json',
      JSON.stringify({ severity: 'WARNING', message: 'rejected request: not a push', outcome: 'rejected', stage: 'first' }),
      hopLine({ stage: 'first', outcome: 'exploded', messageId: 'm', correlationId: 'c' }),
      hopLine({ stage: 'elsewhere', outcome: 'published', messageId: 'm', correlationId: 'c' }),
      hopLine({ stage: 'first', outcome: 'published', messageId: 'm', correlationId: 'c', attributes: { nested: { no: 1 } } }),
    ]) state.observe('first', line);

    // Assess
    expect(state.snapshot(NOW).hops).toBe(0);
    expect(state.journey('c')).toBeUndefined();
  });

  it('forgets the oldest journeys past its limit', () => {
    // Prepare
    const state = createDashboardState(twoStageTopology(), { journeys: 2 });

    // Act
    for (const id of ['j1', 'j2', 'j3']) state.observe('first', hopLine({ stage: 'first', outcome: 'published', messageId: id, correlationId: id }));

    // Assess
    expect(state.journey('j1')).toBeUndefined();
    expect(state.journey('j2')).toBeDefined();
    expect(state.journey('j3')).toBeDefined();
  });

  it('gives nearest-rank percentiles, and none without samples', () => {
    expect(percentiles([])).toEqual({ samples: 0 });
    expect(percentiles([5, 1, 3])).toEqual({ samples: 3, p50: 3, p95: 5, p99: 5 });
  });
});
