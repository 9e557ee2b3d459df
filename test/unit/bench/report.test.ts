import { benchReportSchema, computeTargets, describeTarget, renderMarkdown, type BenchReport, type StageReport } from '../../../bench/report';

const latency = { count: 10, p50: 5, p95: 9, p99: 10, max: 11, mean: 6 };

/** A stage report; override any field. */
function stage(name: string, overrides: Partial<StageReport> = {}): StageReport {
  return { name, notes: [], ...overrides };
}

/** A complete, valid report; override any top-level field. */
function report(overrides: Partial<BenchReport> = {}): BenchReport {
  const stages = [
    stage('language', { rawPerSec: 5000, rawCpuMsPerMsg: 0.2, serverPerSec: 1000, cpuMsPerMsg: 0.9 }),
    stage('nlp', { rawPerSec: 4000, rawCpuMsPerMsg: 0.25, serverPerSec: 700, cpuMsPerMsg: 1.5 }),
    stage('classify', { rawPerSec: 60, rawCpuMsPerMsg: 15, serverPerSec: 54, baselinePerSec: 30, cpuMsPerMsg: 18 }),
  ];
  const pipeline = {
    textMessages: 200,
    pushPerSec: 20,
    pullPerSec: 40,
    pull: { delivery: 'pull' as const, messages: 200, received: 200, perSec: 40, steadyPerSec: 45, seconds: 4.4, latencyMs: latency, cpuMsPerMsg: 20, peakRssMb: 600, startupMs: 9000 },
  };
  return {
    generatedAt: '2026-11-22T08:00:00.000Z',
    quick: true,
    machine: { cpus: 2, cpuModel: 'test cpu', memoryGb: 24, node: 'v20.0.0', loadAverage: [1, 1, 1] },
    prices: { readOn: '2026-11-22', sources: ['https://cloud.google.com/run/pricing'] },
    raw: [{ model: 'use-lite', stages: ['classify'], runs: [{ variant: 'batch 16', batchSize: 16, perSec: 60, cpuMsPerMsg: 15, messages: 96 }] }],
    stages,
    pipeline,
    targets: computeTargets(stages, pipeline),
    durationSeconds: 200,
    ...overrides,
  };
}

describe('benchReportSchema', () => {
  it('accepts a complete report', () => {
    expect(benchReportSchema.safeParse(report()).success).toBe(true);
  });

  it('rejects a report without pipeline figures, naming the field', () => {
    const { pipeline: _omitted, ...rest } = report();
    const parsed = benchReportSchema.safeParse(rest);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain('pipeline');
  });

  it('rejects a negative throughput', () => {
    const bad = report({ stages: [stage('language', { serverPerSec: -1 })] });
    expect(benchReportSchema.safeParse(bad).success).toBe(false);
  });
});

describe('computeTargets', () => {
  it('computes each ratio from the figures and says whether it meets its threshold', () => {
    const targets = computeTargets(report().stages, report().pipeline);
    const byName = Object.fromEntries(targets.map((t) => [t.name, t]));
    // classify server 54 / raw 60 = 0.9 ≥ 0.8.
    expect(byName['classify server ≥ 0.8 × its model’s best raw throughput']).toMatchObject({ value: 0.9, met: true });
    // language 0.9 − 0.2 = 0.7 ms ≤ 1; nlp 1.5 − 0.25 = 1.25 ms > 1.
    expect(byName['language: runtime overhead ≤ 1 ms CPU per message']).toMatchObject({ value: 0.7, met: true });
    expect(byName['nlp: runtime overhead ≤ 1 ms CPU per message']).toMatchObject({ value: 1.25, met: false });
    // pull 45 / slowest text stage 60 = 0.75 ≥ 0.7.
    expect(byName['pull-worker text pipeline ≥ 0.7 × the slowest text stage’s raw throughput']).toMatchObject({ value: 0.75, met: true });
    // 54 / 30 = 1.8 < 2.
    expect(byName['classify stage ≥ 2 × the sample-style baseline']).toMatchObject({ value: 1.8, met: false });
  });

  it('judges an image stage against its model on tensors and, when measured, against the model fed from image files', () => {
    // Prepare: onnx with both raw figures, ocr with the tensor-free one only.
    const stages = [
      stage('onnx', { rawPerSec: 1000, rawCpuMsPerMsg: 1.5, rawDecodingPerSec: 250, rawDecodingCpuMsPerMsg: 7, serverPerSec: 200, cpuMsPerMsg: 9 }),
      stage('ocr', { rawPerSec: 6, rawCpuMsPerMsg: 160, serverPerSec: 6.3, cpuMsPerMsg: 170 }),
    ];

    // Act
    const byName = Object.fromEntries(computeTargets(stages, report().pipeline).map((t) => [t.name, t]));

    // Assess: 200 / 1000 = 0.2 < 0.6; 200 / 250 = 0.8 ≥ 0.6; 6.3 / 6 = 1.05 ≥ 1; ocr has no second line.
    expect(byName['onnx server ≥ 0.6 × its model’s best raw throughput']).toMatchObject({ value: 0.2, met: false });
    expect(byName['onnx server ≥ 0.6 × its model and image decoding in process (image files in)']).toMatchObject({ value: 0.8, met: true });
    expect(byName['ocr server ≥ 1 × its model’s best raw throughput']).toMatchObject({ value: 1.05, met: true });
    expect(Object.keys(byName).filter((name) => name.includes('image files in'))).toEqual(['onnx server ≥ 0.6 × its model and image decoding in process (image files in)']);
  });

  it('leaves a target unjudged when a figure is missing', () => {
    const targets = computeTargets([stage('classify', { rawPerSec: 60 })], { textMessages: 0, pushPerSec: null, pullPerSec: null });
    expect(targets.every((t) => t.met === null && t.value === null)).toBe(true);
    expect(describeTarget(targets[0]!)).toMatch(/^NOT MEASURED/);
  });
});

describe('renderMarkdown', () => {
  it('lists every target with its verdict, every stage and the pipeline runs', () => {
    const markdown = renderMarkdown(report());
    expect(markdown).toContain('MISSED       classify stage ≥ 2 × the sample-style baseline: 1.8');
    expect(markdown).toContain('| classify |  | 60 | 54 | 30 |');
    expect(markdown).toMatch(/\| pull \| 200 \| 200 \| 40 \| 45 \|/);
  });

  it('includes extra sections, such as the deploy rehearsal, before the closing note', () => {
    const markdown = renderMarkdown(report(), ['## Deploy rehearsal\n\n| function | archive KB |\n']);
    expect(markdown).toContain('\n## Deploy rehearsal\n\n| function | archive KB |\n\nPrices read');
  });
});
