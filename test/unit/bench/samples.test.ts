import { stageSample } from '../../../bench/samples';
import { steadyRate } from '../../../bench/pipeline';
import { textPathDefinition } from '../../../bench/text-path-pipeline';
import { TEXT_PATH_STAGES } from '../../../bench/report';
import { compileFilter } from '../../../toolkit/core/filter';
import { compileTopology } from '../../../toolkit/core/pipeline/compile';
import { definition as pipeline } from '../../../functions/definition';
import { pipeline as example } from '../../../functions/pipeline';

const topology = compileTopology(pipeline, { project: 'bench-project' });

describe('stageSample', () => {
  it.each([...example.stageKeys])('gives the %s stage an input its schema accepts and its subscription filter lets through', (key) => {
    // Prepare
    const definition = example.loadStage(key);
    const stage = topology.stages[key]!;
    const filter = topology.subscriptions[stage.subscription]!.filter;

    // Act
    const sample = stageSample(key, 3);

    // Assess
    expect(sample).toBeDefined();
    expect(definition.input.safeParse(JSON.parse(sample!.data.toString('utf8'))).success).toBe(true);
    expect(compileFilter(filter)(sample!.attributes)).toBe(true);
  });

  it('makes each message different, so content-based deduplication never merges two', () => {
    expect(stageSample('classify', 1)!.data.equals(stageSample('classify', 2)!.data)).toBe(false);
  });
});

describe('textPathDefinition', () => {
  it('keeps the text stages with the same names and drops the rest', () => {
    const text = compileTopology(textPathDefinition(pipeline), { project: 'bench-project' });
    expect(Object.keys(text.stages).sort()).toEqual([...TEXT_PATH_STAGES].sort());
    for (const [key, stage] of Object.entries(text.stages)) {
      expect(text.subscriptions[stage.subscription]?.name).toBe(topology.subscriptions[topology.stages[key]!.subscription]?.name);
      expect(stage.routes).toEqual(topology.stages[key]!.routes);
    }
    expect(text.topics[text.ingress]?.name).toBe(topology.topics[topology.ingress]?.name);
  });
});

describe('steadyRate', () => {
  it('counts arrivals per second from the first 10% onwards, so the fill time does not count', () => {
    // 10 arrivals: a slow first one at 0 ms (the pipeline filling), then one every 100 ms from 1000 ms.
    const arrivals = [0, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800];
    // From the 2nd arrival (index 1 = 10% of 10) to the last: 8 more in 0.8 s.
    expect(steadyRate(arrivals)).toBe(10);
  });

  it('is 0 when there are too few arrivals to time', () => {
    expect(steadyRate([5])).toBe(0);
  });
});
