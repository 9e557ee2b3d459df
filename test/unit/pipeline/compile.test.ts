import type { PipelineDefinition } from '../../../toolkit/core/pipeline/types';
import { filterAttributeKeys, parseFilter } from '../../../toolkit/core/filter';
import { ATTRIBUTE_KEYS } from '../../../toolkit/core/pipeline/attributes';
import { compileTopology, pushSubscriptionKey } from '../../../toolkit/core/pipeline/compile';
import { DEFAULTS } from '../../../toolkit/core/pipeline/defaults';
import { durationSeconds } from '../../../toolkit/core/pipeline/durations';
import { DefinitionError } from '../../../toolkit/core/pipeline/errors';
import type { CompileOptions } from '../../../toolkit/core/pipeline/topology';
import { definition, type DefinitionOverrides } from '../../support/factories/definition';
import invalidFixtures from '../../fixtures/pipeline/invalid-definitions.json';
import { definition as pipeline } from '../../fixtures/pipelines/help-desk';

/** One invalid definition: the help desk with `overrides`, and a fragment of every problem it must cause. */
interface InvalidCase {
  readonly name: string;
  readonly overrides: DefinitionOverrides;
  readonly options?: CompileOptions;
  readonly problems: readonly string[];
}

const invalidCases = invalidFixtures as readonly InvalidCase[];
const OPTIONS: CompileOptions = { project: 'test-project', prefix: 'dev' };

/** Runs `compileTopology` and returns the `DefinitionError` it threw; fails the test if it compiled. */
function definitionErrorOf(overrides: DefinitionOverrides, options: CompileOptions = OPTIONS): DefinitionError {
  try {
    compileTopology(definition(overrides), options);
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(overrides)} to be rejected`);
}

// The toolkit tests' own pipeline, the help desk (test/fixtures/pipelines/help-desk.ts), not the example in
// functions/: what the compiler must do does not change when the example does.
describe('compileTopology of the help desk', () => {
  const topology = compileTopology(pipeline, OPTIONS);

  it('prefixes every topic name and builds its path', () => {
    expect(topology.topics['requests']).toMatchObject({ name: 'dev-desk-requests', path: 'projects/test-project/topics/dev-desk-requests', role: 'ingress' });
    expect(topology.topics['english']).toMatchObject({ name: 'dev-desk-english', role: 'internal' });
    expect(topology.topics['englishAnalysed']).toMatchObject({ name: 'dev-desk-english-analysed', role: 'internal' });
    expect(topology.topics['results']).toMatchObject({ name: 'dev-desk-results', role: 'terminal' });
    expect(topology.topics['deadLetters']).toMatchObject({ name: 'dev-desk-dead-letters', role: 'deadLetter' });
  });

  it('keeps the definition keys, project and prefix', () => {
    expect(topology).toMatchObject({ name: 'help-desk', project: 'test-project', prefix: 'dev', ingress: 'requests', deadLetter: 'deadLetters', deadLetterSubscription: 'deadLetters', resultsSubscription: 'results' });
    expect(Object.keys(topology.stages)).toEqual(['language', 'nlp', 'summary']);
  });

  it('gives every stage a push subscription named after its function, with the dead-letter policy', () => {
    for (const key of ['language', 'nlp', 'summary']) {
      const stage = topology.stages[key];
      const subscription = topology.subscriptions[pushSubscriptionKey(key)];

      expect(stage?.functionName).toBe(`dev-help-desk-${key}`);
      expect(stage?.subscription).toBe(pushSubscriptionKey(key));
      expect(subscription).toMatchObject({
        kind: 'push',
        stage: key,
        name: `dev-help-desk-${key}-push`,
        path: `projects/test-project/subscriptions/dev-help-desk-${key}-push`,
        deadLetterPolicy: { deadLetterTopic: 'deadLetters', deadLetterTopicName: 'dev-desk-dead-letters', maxDeliveryAttempts: 10 },
        retryPolicy: { minimumBackoff: DEFAULTS.minimumBackoff, maximumBackoff: DEFAULTS.maximumBackoff },
      });
    }
  });

  it('names the function and push subscription of a camelCase stage key in kebab case', () => {
    // Prepare: the help desk's stage keys are single words, so a second summary stage with a two-word key.
    const withLongKey = definition({
      stages: { urgentSummary: { description: 'A summary of unhappy tickets first.', entryPoint: 'urgentSummary', source: './urgent-summary', consumes: 'englishAnalysed', routes: [{ to: 'results' }] } },
    });

    // Act
    const compiled = compileTopology(withLongKey, OPTIONS);

    // Assess
    expect(compiled.stages['urgentSummary']).toMatchObject({ functionName: 'dev-help-desk-urgent-summary', subscription: 'urgentSummaryPush' });
    expect(compiled.subscriptions['urgentSummaryPush']).toMatchObject({ kind: 'push', stage: 'urgentSummary', name: 'dev-help-desk-urgent-summary-push' });
  });

  it('points each stage at the push path of the topic it consumes', () => {
    expect(topology.stages['language']?.pushPath).toBe('/projects/test-project/topics/dev-desk-requests');
    expect(topology.stages['nlp']?.pushPath).toBe('/projects/test-project/topics/dev-desk-english');
    expect(topology.stages['summary']?.pushPath).toBe('/projects/test-project/topics/dev-desk-english-analysed');
    expect(topology.subscriptions['languagePush']).toMatchObject({ topic: 'requests', topicName: 'dev-desk-requests' });
    expect(topology.subscriptions['nlpPush']).toMatchObject({ topic: 'english', topicName: 'dev-desk-english' });
  });

  it('keeps the filters of stage and pull subscriptions, and an empty filter where there is none', () => {
    expect(topology.subscriptions['nlpPush']?.filter).toBe('attributes.lang = "en"');
    expect(topology.subscriptions['languagePush']?.filter).toBe('');
    expect(topology.subscriptions['summaryPush']?.filter).toBe('');
    expect(topology.subscriptions['negative']?.filter).toBe('attributes.sentiment = "negative"');
    expect(topology.subscriptions['results']?.filter).toBe('');
    for (const subscription of Object.values(topology.subscriptions)) expect(() => parseFilter(subscription.filter)).not.toThrow();
  });

  it('gives every push subscription an ack deadline at least as long as its stage may run', () => {
    for (const stage of Object.values(topology.stages)) {
      const subscription = topology.subscriptions[stage.subscription];
      expect(subscription?.ackDeadlineSeconds).toBeGreaterThanOrEqual(stage.timeoutSeconds);
    }
  });

  it('resolves routes to prefixed topic names, in order, with the last one unconditional', () => {
    expect(topology.stages['language']?.routes).toEqual([
      { topic: 'english', topicName: 'dev-desk-english', when: 'attributes.lang = "en"' },
      { topic: 'results', topicName: 'dev-desk-results', when: '' },
    ]);
    expect(topology.stages['nlp']?.routes).toEqual([{ topic: 'englishAnalysed', topicName: 'dev-desk-english-analysed', when: '' }]);
    expect(topology.stages['summary']?.routes).toEqual([{ topic: 'results', topicName: 'dev-desk-results', when: '' }]);
    expect(topology.stages['language']?.publishesTo).toEqual(['english', 'results', 'deadLetters']);
  });

  it('makes the dead-letter pull subscription on the dead-letter topic', () => {
    expect(topology.subscriptions['deadLetters']).toMatchObject({ kind: 'pull', topic: 'deadLetters', name: 'dev-desk-dead-letters-sub', ackDeadlineSeconds: 60 });
    expect(topology.subscriptions['deadLetters']?.deadLetterPolicy).toBeUndefined();
  });

  it('writes durations as Google API duration strings', () => {
    const durations = [
      ...Object.values(topology.topics).map((t) => t.messageRetentionDuration),
      ...Object.values(topology.subscriptions).flatMap((s) => [s.messageRetentionDuration, s.retryPolicy.minimumBackoff, s.retryPolicy.maximumBackoff]),
    ];
    for (const duration of durations) expect(durationSeconds(duration)).toEqual(expect.any(Number));
  });

  it('only filters on attributes the pipeline knows', () => {
    const filters = [
      ...Object.values(topology.subscriptions).map((s) => s.filter),
      ...Object.values(topology.stages).flatMap((stage) => stage.routes.map((route) => route.when)),
    ];
    const keys = filters.flatMap((filter) => filterAttributeKeys(parseFilter(filter)));
    expect(keys).toEqual(expect.arrayContaining(['lang', 'sentiment']));
    // Each is the toolkit's, a publisher's (the definition's `attributes`) or one a stage declares it `sets`.
    const declared = [...ATTRIBUTE_KEYS, ...Object.keys(pipeline.attributes ?? {}), ...Object.values(pipeline.stages as PipelineDefinition['stages']).flatMap((stage) => Object.keys(stage.sets ?? {}))];
    for (const key of keys) expect(declared).toContain(key);
  });

  it("carries each stage's source, declared attributes, settings and batching into the topology", () => {
    // Prepare: the help desk's stages declare no settings and no batching (the tests that share it hand stages
    // to the runtime directly), so the language stage gets both here.
    const withSettings = definition({ stages: { language: { environment: { LANGUAGE_MODEL: 'cld3' }, batching: { maxBatchSize: 16, maxWaitMillis: 5 } } } });

    // Act
    const compiled = compileTopology(withSettings, OPTIONS);

    // Assess
    expect(compiled.stages['language']).toMatchObject({
      source: './language',
      sets: ['lang', 'langConfidence', 'langReliable'],
      environment: { LANGUAGE_MODEL: 'cld3' },
      batching: { maxBatchSize: 16, maxWaitMillis: 5 },
    });
    expect(compiled.stages['nlp']).toMatchObject({ source: './nlp', sets: ['sentiment'], environment: {} });
    expect(compiled.stages['nlp']?.batching).toBeUndefined();
    expect(compiled.stages['summary']?.sets).toEqual([]);
  });

  it('uses the bare names without a prefix', () => {
    // Act
    const bare = compileTopology(pipeline, { project: 'test-project' });

    // Assess
    expect(bare.prefix).toBe('');
    expect(bare.topics['requests']?.name).toBe('desk-requests');
    expect(bare.subscriptions['languagePush']?.name).toBe('help-desk-language-push');
    expect(bare.stages['nlp']?.pushPath).toBe('/projects/test-project/topics/desk-english');
  });

  it('is deterministic and leaves the definition untouched', () => {
    // Prepare
    const before = JSON.stringify(pipeline);

    // Act
    const again = compileTopology(pipeline, OPTIONS);

    // Assess
    expect(again).toEqual(topology);
    expect(JSON.stringify(pipeline)).toBe(before);
  });

  it('adds labels given as options to every resource', () => {
    // Act
    const labelled = compileTopology(pipeline, { ...OPTIONS, labels: { env: 'dev' } });

    // Assess
    expect(labelled.labels).toEqual({ app: 'help-desk', env: 'dev' });
    expect(labelled.topics['results']?.labels).toEqual({ app: 'help-desk', env: 'dev' });
    expect(labelled.stages['nlp']?.labels).toEqual({ app: 'help-desk', env: 'dev' });
    expect(labelled.subscriptions['negative']?.labels).toEqual({ app: 'help-desk', env: 'dev' });
  });

  it('accepts a filter of exactly 256 bytes', () => {
    // Prepare: 25 bytes of `attributes.sentiment = ""` around 231 bytes of value.
    const filter = `attributes.sentiment = "${'x'.repeat(231)}"`;
    expect(Buffer.byteLength(filter)).toBe(256);

    // Act
    const compiled = compileTopology(definition({ subscriptions: { negative: { filter } } }), OPTIONS);

    // Assess
    expect(compiled.subscriptions['negative']?.filter).toBe(filter);
  });

  it('accepts an ack deadline equal to the timeout and maxDeliveryAttempts at both bounds', () => {
    // Act
    const compiled = compileTopology(
      definition({
        stages: {
          language: { timeoutSeconds: 60, subscription: { ackDeadlineSeconds: 60, maxDeliveryAttempts: 5 } },
          nlp: { subscription: { maxDeliveryAttempts: 100 } },
        },
      }),
      OPTIONS,
    );

    // Assess
    expect(compiled.subscriptions['languagePush']).toMatchObject({ ackDeadlineSeconds: 60, deadLetterPolicy: { maxDeliveryAttempts: 5 } });
    expect(compiled.subscriptions['nlpPush']?.deadLetterPolicy?.maxDeliveryAttempts).toBe(100);
  });

  it('raises the default ack deadline with a longer timeout', () => {
    // Act
    const compiled = compileTopology(definition({ stages: { nlp: { timeoutSeconds: 120 } } }), OPTIONS);

    // Assess
    expect(compiled.subscriptions['nlpPush']?.ackDeadlineSeconds).toBe(120);
  });
});

describe('compileTopology rejects an invalid definition', () => {
  it.each(invalidCases)('$name', ({ overrides, options, problems }) => {
    // Act
    const error = definitionErrorOf(overrides, options);

    // Assess: every expected problem is reported once, and nothing else is.
    for (const fragment of problems) {
      expect(error.problems.filter((p) => p.includes(fragment))).toHaveLength(1);
    }
    expect(error.problems).toHaveLength(problems.length);
    for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`);
  });

  it('reports all problems at once, one line each', () => {
    // Prepare: two unrelated mistakes in two stages.
    const overrides = {
      stages: {
        language: { subscription: { maxDeliveryAttempts: 4 } },
        nlp: { routes: [{ to: 'results', when: 'attributes.lang = "en"' }] },
      },
    };

    // Act
    const error = definitionErrorOf(overrides);

    // Assess
    expect(error.problems).toEqual([
      expect.stringContaining('stage "language" subscription maxDeliveryAttempts: 4 is outside 5..100'),
      expect.stringContaining('stage "nlp": the last route must have no "when"'),
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid pipeline definition:');
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines.slice(1).every((line) => line.startsWith('  - '))).toBe(true);
  });

  it('is a DefinitionError named as such', () => {
    // Act
    const error = definitionErrorOf({ ingress: 'inbox' });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DefinitionError');
  });
});
