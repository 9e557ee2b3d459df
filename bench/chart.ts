/**
 * The benchmark's chart, bench/chart.svg: a Vega-Lite specification built from the report (plain data, tested
 * without rendering), rendered to SVG by Vega in Node (no browser, no canvas). SVG keeps the chart readable in the
 * README and diffable in review.
 */
import type { BenchReport } from './report';

/** One bar: which panel, which group (a stage, or the text path), which series, and the value. */
export interface ChartRow {
  readonly panel: string;
  readonly group: string;
  readonly series: string;
  readonly value: number;
}

/** Series colours, fixed so that a series keeps its colour whichever series a run measured. */
export const SERIES_COLOURS = {
  'raw model': '#4285f4',
  'stage server': '#fb8c00',
  'sample-style baseline': '#969696',
  push: '#db4437',
  pull: '#0f9d58',
} as const;

/** A series of the chart. */
export type Series = keyof typeof SERIES_COLOURS;

/** The chart's two panels' titles. */
export const PANELS = {
  stages: 'Messages per second per stage (log scale)',
  pipeline: 'Pipeline through the emulator, messages per second',
} as const;

/** The bars of a report: per stage raw / server / baseline throughput, and the pipeline in push and pull. */
export function chartRows(report: BenchReport): ChartRow[] {
  const rows: ChartRow[] = [];
  const add = (panel: string, group: string, series: Series, value: number | null | undefined): void => {
    if (value !== undefined && value !== null && value > 0) rows.push({ panel, group, series, value });
  };
  for (const stage of report.stages) {
    add(PANELS.stages, stage.name, 'raw model', stage.rawPerSec);
    add(PANELS.stages, stage.name, 'stage server', stage.serverPerSec);
    add(PANELS.stages, stage.name, 'sample-style baseline', stage.baselinePerSec);
  }
  const label = `text path, ${report.pipeline.textMessages} messages`;
  add(PANELS.pipeline, label, 'push', report.pipeline.push?.error ? null : report.pipeline.push?.perSec);
  add(PANELS.pipeline, label, 'pull', report.pipeline.pull?.error ? null : report.pipeline.pull?.perSec);
  return rows;
}

/** A Vega-Lite specification (plain JSON) of the chart: two panels of grouped horizontal bars with their values. */
export function chartSpec(title: string, rows: readonly ChartRow[]): Record<string, unknown> {
  const series = Object.keys(SERIES_COLOURS) as Series[];
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: series.map((s) => SERIES_COLOURS[s]) }, legend: { orient: 'top', labelLimit: 0 } };
  const panel = (name: string, logScale: boolean): Record<string, unknown> => ({
    title: name,
    transform: [{ filter: { field: 'panel', equal: name } }],
    encoding: {
      y: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
      yOffset: { field: 'series', type: 'nominal', sort: series },
      x: { field: 'value', type: 'quantitative', title: 'messages per second', scale: logScale ? { type: 'log', domainMin: 1 } : { zero: true } },
      color: colour,
    },
    layer: [
      // A log axis has no zero: the bars start at 1 message per second.
      { mark: { type: 'bar', height: { band: 0.9 } }, encoding: logScale ? { x2: { datum: 1 } } : {} },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { text: { field: 'value', type: 'quantitative', format: ',.0f' }, color: { value: '#1e1e1e' } } },
    ],
    width: 640,
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values: rows },
    vconcat: [panel(PANELS.stages, true), panel(PANELS.pipeline, false)],
    config: { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: null } },
  };
}

/** The part of vega-lite used here (its typings resolve only under Node16 module resolution). */
interface VegaLite {
  compile(spec: unknown): { spec: import('vega').Spec };
}

/** Renders a Vega-Lite specification to SVG with Vega (both ES modules, loaded on first use). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vegaLite, vega] = await Promise.all([import('vega-lite' as string) as Promise<VegaLite>, import('vega')]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
