import { pipelineGraph } from '../../../../toolkit/local/dashboard/graph';
import { twoStageTopology } from './two-stage-topology';

describe('pipeline graph', () => {
  it('draws every stage and topic, each subscription with its filter and each route with its condition', () => {
    // Act
    const graph = pipelineGraph(twoStageTopology());

    // Assess
    expect(graph.nodes.filter((node) => node.kind === 'stage').map((node) => node.key)).toEqual(['first', 'second']);
    expect(graph.nodes.filter((node) => node.kind === 'topic').map((node) => node.label).sort()).toEqual(['dash-dead', 'dash-input', 'dash-middle', 'dash-output']);
    expect(graph.nodes.filter((node) => node.kind === 'subscription').map((node) => node.label).sort()).toEqual(['dash-dead-all', 'dash-output-all']);
    const edge = (id: string) => graph.edges.find((candidate) => candidate.id === id);
    expect(edge('feeds:second')).toMatchObject({ source: 'topic:middle', target: 'stage:second', filter: 'attributes.lang = "en"', label: 'attributes.lang = "en"' });
    expect(edge('route:first:0')).toMatchObject({ source: 'stage:first', target: 'topic:middle', kind: 'route', filter: 'attributes.lang = "en"' });
    expect(edge('route:first:1')).toMatchObject({ target: 'topic:output', label: 'otherwise' });
    expect(edge('dead-letter:first')).toMatchObject({ target: 'topic:dead', kind: 'dead-letter' });
    const ids = new Set(graph.nodes.map((node) => node.id));
    expect(graph.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });
});
