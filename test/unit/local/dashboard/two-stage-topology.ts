import { compileTopology } from '../../../../toolkit/core/pipeline/compile';
import type { CompiledTopology } from '../../../../toolkit/core/pipeline/topology';

/** `input ─▶ [first] ─▶ middle ─▶ [second] ─▶ output`, with a route on an attribute and dead letters. */
export function twoStageTopology(): CompiledTopology {
  return compileTopology(
    {
      name: 'dash',
      ingress: 'input',
      deadLetter: 'dead',
      deadLetterSubscription: 'deadAll',
      resultsSubscription: 'outputAll',
      topics: {
        input: { name: 'dash-input', description: 'requests' },
        middle: { name: 'dash-middle', description: 'between the stages' },
        output: { name: 'dash-output', description: 'results', terminal: true },
        dead: { name: 'dash-dead', description: 'dead letters', terminal: true },
      },
      stages: {
        first: { description: 'first', entryPoint: 'first', source: './first', sets: { lang: 'language' }, consumes: 'input', routes: [{ to: 'middle', when: 'attributes.lang = "en"' }, { to: 'output' }] },
        second: { description: 'second', entryPoint: 'second', source: './second', consumes: 'middle', filter: 'attributes.lang = "en"', routes: [{ to: 'output' }] },
      },
      subscriptions: {
        outputAll: { name: 'dash-output-all', description: 'every result', topic: 'output' },
        deadAll: { name: 'dash-dead-all', description: 'dead letters', topic: 'dead' },
      },
    },
    { project: 'dash-project' },
  );
}
