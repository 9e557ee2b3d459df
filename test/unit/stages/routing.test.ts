import { compileFilter } from '../../../toolkit/core/filter';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { pipeline } from '../../../functions/definition';
import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { STAGES } from '../../../functions/stages';

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
    [{ [ATTR.contentType]: 'text/plain' }, ['language']],
    [{ [ATTR.contentType]: 'image' }, ['onnx']],
    [{ [ATTR.contentType]: 'image/png' }, ['onnx']],
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
    expect(compileFilter(topology.subscriptions['bugs']?.filter ?? '')({ [ATTR.topic]: 'bug' })).toBe(true);
    expect(compileFilter(topology.subscriptions['bugs']?.filter ?? '')({ [ATTR.topic]: 'billing' })).toBe(false);
    expect(compileFilter(topology.subscriptions['fromImages']?.filter ?? '')({ [ATTR.contentType]: 'image' })).toBe(true);
    expect(compileFilter(topology.subscriptions['fromImages']?.filter ?? '')({})).toBe(false);
  });

  it('ocrLanguage is the language stage under its own key', () => {
    expect(STAGES.ocrLanguage.stage).toBe('ocrLanguage');
    expect(STAGES.ocrLanguage.handle).toBe(STAGES.language.handle);
    expect(Object.keys(STAGES).sort()).toEqual(Object.keys(topology.stages).sort());
  });
});
