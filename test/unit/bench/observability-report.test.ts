import { observabilityTargets, renderObservabilityMarkdown, type ObservabilityReport } from '../../../bench/observability-report';

const report = (language: number, nlp: number): ObservabilityReport => ({
  stages: [
    { stage: 'language', cpuMsPerMsgTracingOff: 0.35, cpuMsPerMsgTracingOn: 0.35 + language, tracingOverheadMs: language, metricsOverheadMs: 0.01, totalOverheadMs: language + 0.01, messagesPerRun: 5000, rounds: 2 },
    { stage: 'nlp', cpuMsPerMsgTracingOff: 0.25, cpuMsPerMsgTracingOn: 0.25 + nlp, tracingOverheadMs: nlp, metricsOverheadMs: 0.01, totalOverheadMs: nlp + 0.01, messagesPerRun: 5000, rounds: 2 },
  ],
});

describe('observabilityTargets', () => {
  it('meets the 0.1 ms target per light stage on tracing plus metrics, and misses it above', () => {
    const targets = observabilityTargets(report(0.02, 0.2));
    expect(targets.map((t) => [t.name.split(':')[0], t.value, t.met])).toEqual([
      ['language', 0.03, true],
      ['nlp', 0.21000000000000002, false],
    ]);
  });

  it('says not measured when the section did not run', () => {
    expect(observabilityTargets(undefined).map((t) => t.met)).toEqual([null, null]);
    expect(renderObservabilityMarkdown(undefined)).toEqual([]);
  });

  it('renders one table row per stage', () => {
    const lines = renderObservabilityMarkdown(report(0.02, 0.04));
    expect(lines.filter((l) => l.startsWith('| language |') || l.startsWith('| nlp |'))).toHaveLength(2);
  });
});
