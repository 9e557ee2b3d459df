import { Testing } from 'cdktf';
import { PipelineOutputs } from '../../../toolkit/infra/constructs/pipeline-outputs';
import { parse } from '../support/synth';

describe('PipelineOutputs', () => {
  it('exports names and URLs under fixed output names', () => {
    const synthesised = Testing.synthScope(
      (scope) =>
        new PipelineOutputs(scope, 'outputs', {
          topicNames: { requests: 'dev-requests' },
          subscriptionNames: { results: 'dev-results-all' },
          functionNames: { language: 'dev-language' },
          functionUrls: { language: 'https://dev-language.run.app' },
          sourceBucket: 'dev-source',
          deadLetterSubscription: 'dev-dead-letters-sub',
        }),
    );
    const outputs = parse(synthesised).output ?? {};
    expect(Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.value]))).toEqual({
      topic_names: { requests: 'dev-requests' },
      subscription_names: { results: 'dev-results-all' },
      function_names: { language: 'dev-language' },
      function_urls: { language: 'https://dev-language.run.app' },
      source_bucket: 'dev-source',
      dead_letter_subscription: 'dev-dead-letters-sub',
    });
  });
});
