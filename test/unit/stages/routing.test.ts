import { compileFilter } from '../../../toolkit/core/filter';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import { pipeline as example } from '../../../functions/pipeline';

const topology = compileTopology(pipeline, { project: 'routing-test' });

/** The stages whose push subscription on `topic` accepts a message with these attributes. */
function consumers(topic: string, attributes: Record<string, string>): string[] {
  return Object.values(topology.stages)
    .filter((stage) => stage.consumes === topic && compileFilter(topology.subscriptions[stage.subscription]?.filter ?? '')(attributes))
    .map((stage) => stage.key);
}

describe('the default pipeline routes', () => {
  it.each([
    [{}, ['language']],
    [{ ['contentType']: 'text/plain' }, ['language']],
    [{ ['contentType']: 'image' }, ['onnx']],
    [{ ['contentType']: 'image/png' }, ['onnx']],
  ])('a request with %j to exactly %j', (attributes, expected) => {
    expect(consumers(topology.ingress, attributes)).toEqual(expected);
  });

  it('English text through nlp to classify, and every path to the results topic', () => {
    // Assess: the text path and the image path meet on the English topic.
    expect(topology.stages['ocrLanguage']?.routes.map((r) => r.topic)).toEqual(topology.stages['language']?.routes.map((r) => r.topic));
    expect(topology.stages['nlp']?.routes.map((r) => r.topic)).toEqual([topology.stages['classify']?.consumes]);
    expect(topology.stages['classify']?.routes.map((r) => r.topic)).toEqual(['results']);
    expect(topology.stages['ocr']?.consumes).toBe(topology.stages['onnx']?.routes[0]?.topic);
    expect(topology.stages['ocrLanguage']?.consumes).toBe(topology.stages['ocr']?.routes[0]?.topic);
  });

  it('the bugs subscription selects results by topic and fromImages by content type', () => {
    expect(compileFilter(topology.subscriptions['bugs']?.filter ?? '')({ ['topic']: 'bug' })).toBe(true);
    expect(compileFilter(topology.subscriptions['bugs']?.filter ?? '')({ ['topic']: 'billing' })).toBe(false);
    expect(compileFilter(topology.subscriptions['fromImages']?.filter ?? '')({ ['contentType']: 'image' })).toBe(true);
    expect(compileFilter(topology.subscriptions['fromImages']?.filter ?? '')({})).toBe(false);
  });

  it('ocrLanguage is the language stage under its own key', () => {
    expect(example.loadStage('ocrLanguage').stage).toBe('ocrLanguage');
    expect(example.loadStage('ocrLanguage').handle).toBe(example.loadStage('language').handle);
    expect(example.stageModulePath('ocrLanguage')).toBe(example.stageModulePath('language'));
  });

  it('every stage of the definition loads from the module its source names', () => {
    for (const key of example.stageKeys) expect(example.loadStage(key).stage).toBe(key);
  });
});
