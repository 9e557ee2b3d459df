import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chartRows, chartSpec, PANELS, SERIES_COLOURS } from '../../../bench/chart';
import { benchReportSchema, type BenchReport } from '../../../bench/report';

const ROOT = join(__dirname, '..', '..', '..');

/** A report with two stages and both pipeline runs; only what the chart reads is filled in. */
function report(): BenchReport {
  const run = { messages: 200, received: 200, steadyPerSec: 60, seconds: 5, latencyMs: { count: 1, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 }, cpuMsPerMsg: 1, peakRssMb: 1, startupMs: 1 };
  return benchReportSchema.parse({
    generatedAt: '2026-11-30T00:00:00.000Z',
    quick: true,
    machine: { cpus: 2, cpuModel: 'test', memoryGb: 24, node: 'v20', loadAverage: [1] },
    prices: { readOn: '2026-11-30', sources: [] },
    raw: [],
    stages: [
      { name: 'classify', rawPerSec: 68, serverPerSec: 55, baselinePerSec: 35 },
      { name: 'onnx', rawPerSec: 1000, serverPerSec: 640 },
    ],
    pipeline: { textMessages: 200, pushPerSec: 17, pullPerSec: 32, push: { ...run, delivery: 'push', perSec: 17 }, pull: { ...run, delivery: 'pull', perSec: 32 } },
    targets: [],
    durationSeconds: 1,
  });
}

describe('chartRows', () => {
  it('has a bar per measured figure, in the stage panel or the pipeline panel', () => {
    expect(chartRows(report())).toEqual([
      { panel: PANELS.stages, group: 'classify', series: 'raw model', value: 68 },
      { panel: PANELS.stages, group: 'classify', series: 'stage server', value: 55 },
      { panel: PANELS.stages, group: 'classify', series: 'sample-style baseline', value: 35 },
      { panel: PANELS.stages, group: 'onnx', series: 'raw model', value: 1000 },
      { panel: PANELS.stages, group: 'onnx', series: 'stage server', value: 640 },
      { panel: PANELS.pipeline, group: 'text path, 200 messages', series: 'push', value: 17 },
      { panel: PANELS.pipeline, group: 'text path, 200 messages', series: 'pull', value: 32 },
    ]);
  });
});

describe('chartSpec', () => {
  it('is a Vega-Lite specification of two panels, the stages on a log axis, each series in its fixed colour', () => {
    // Act
    const spec = chartSpec('Benchmark', chartRows(report())) as { vconcat: { title: string; encoding: { x: { scale: unknown }; color: { scale: { domain: string[]; range: string[] } } } }[] };

    // Assess
    expect(spec.vconcat.map((p) => p.title)).toEqual([PANELS.stages, PANELS.pipeline]);
    expect(spec.vconcat[0]?.encoding.x.scale).toEqual({ type: 'log', domainMin: 1 });
    expect(spec.vconcat[0]?.encoding.color.scale).toEqual({ domain: Object.keys(SERIES_COLOURS), range: Object.values(SERIES_COLOURS) });
  });
});

describe('renderSvg', () => {
  it('renders the specification to an SVG with every bar and its value (Vega, in a Node process of its own)', () => {
    // Prepare: Vega is an ES module, which Jest's CommonJS loader cannot load; tsx can, as `npm run bench` runs it.
    const script = `require('./bench/chart').renderSvg(require('./bench/chart').chartSpec('Benchmark', ${JSON.stringify(chartRows(report()))})).then((svg) => process.stdout.write(svg))`;

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

    // Assess
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.stdout).toMatch(/^<svg /);
    for (const colour of Object.values(SERIES_COLOURS)) expect(child.stdout).toContain(`fill="${colour}"`);
    for (const value of ['1,000', '640', '68', '32']) expect(child.stdout).toContain(`>${value}<`);
  });
});
