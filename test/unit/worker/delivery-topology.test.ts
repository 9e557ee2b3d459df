import { compileTopology, pullSubscriptionKey, pushSubscriptionKey } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';
import { DefinitionError } from '../../../toolkit/core/pipeline/errors';

const options = { project: 'test-project', prefix: 'dev' } as const;

describe('compileTopology delivery', () => {
  it('feeds every stage by push by default', () => {
    const topology = compileTopology(pipeline, options);
    for (const stage of Object.values(topology.stages)) {
      expect(stage.delivery).toBe('push');
      expect(topology.subscriptions[stage.subscription]).toMatchObject({ key: pushSubscriptionKey(stage.key), kind: 'push', stage: stage.key });
    }
  });

  it("gives a pull stage a pull subscription with the push subscription's filter, dead-letter policy, ordering and deadlines", () => {
    // Prepare
    const push = compileTopology(pipeline, options);
    // Act
    const pull = compileTopology(pipeline, { ...options, delivery: 'pull' });
    // Assess
    for (const stage of Object.values(pull.stages)) {
      const pushed = push.subscriptions[pushSubscriptionKey(stage.key)]!;
      const pulled = pull.subscriptions[stage.subscription]!;
      expect(stage.delivery).toBe('pull');
      expect(stage.subscription).toBe(pullSubscriptionKey(stage.key));
      expect(pulled.kind).toBe('pull');
      expect(pulled.name).toBe(`${stage.functionName}-pull`);
      expect(pulled.path).toBe(`projects/test-project/subscriptions/${stage.functionName}-pull`);
      // Only a push subscription points at a stage: nothing may give the pull one a push endpoint.
      expect(pulled.stage).toBeUndefined();
      const same = ({ filter, deadLetterPolicy, enableMessageOrdering, ackDeadlineSeconds, retryPolicy, topic, messageRetentionDuration }: typeof pulled) =>
        ({ filter, deadLetterPolicy, enableMessageOrdering, ackDeadlineSeconds, retryPolicy, topic, messageRetentionDuration });
      expect(same(pulled)).toEqual(same(pushed));
      expect(pull.subscriptions[pushSubscriptionKey(stage.key)]).toBeUndefined();
    }
    // The consumers' own pull subscriptions are untouched.
    expect(pull.subscriptions['results']).toEqual(push.subscriptions['results']);
  });

  it('takes a mode per stage; stages not listed stay push', () => {
    const topology = compileTopology(pipeline, { ...options, delivery: { nlp: 'pull' } });
    expect(topology.stages['nlp']?.delivery).toBe('pull');
    expect(topology.stages['language']?.delivery).toBe('push');
    expect(topology.subscriptions[pullSubscriptionKey('nlp')]?.kind).toBe('pull');
    expect(topology.subscriptions[pushSubscriptionKey('language')]?.kind).toBe('push');
  });

  it('rejects an unknown stage or mode, naming it', () => {
    const compile = (delivery: unknown) => () => compileTopology(pipeline, { ...options, delivery: delivery as 'push' });
    expect(compile({ noSuchStage: 'pull' })).toThrow(DefinitionError);
    expect(compile({ noSuchStage: 'pull' })).toThrow(/delivery: unknown stage "noSuchStage"/);
    expect(compile({ nlp: 'poll' })).toThrow(/delivery of stage "nlp": "poll" is not one of push, pull/);
    expect(compile('stream')).toThrow(/delivery "stream": expected one of push, pull/);
  });
});
