import { GLYPH, glyphRows } from './font';
import { encodeRgbPng, type RgbImage } from './png';

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** One bar of a group. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly colour: Rgb;
}

/** Bars drawn together under one label (e.g. a stage: raw, server, baseline). */
export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/** A horizontal bar chart panel. */
export interface ChartPanel {
  readonly title: string;
  readonly groups: readonly BarGroup[];
  /** Log-10 axis (for values spanning decades, like models from 50/s to 10,000/s). */
  readonly logScale?: boolean;
}

/** The colours of the chart. */
export const COLOURS = {
  background: [255, 255, 255],
  text: [30, 30, 30],
  grid: [225, 225, 225],
  raw: [66, 133, 244],
  server: [251, 140, 0],
  baseline: [150, 150, 150],
  push: [219, 68, 55],
  pull: [15, 157, 88],
} as const satisfies Record<string, Rgb>;

/** A raster to draw on. */
class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  fill(x: number, y: number, w: number, h: number, colour: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py += 1) {
      for (let px = x0; px < x1; px += 1) {
        const i = (py * this.width + px) * 3;
        this.pixels[i] = colour[0];
        this.pixels[i + 1] = colour[1];
        this.pixels[i + 2] = colour[2];
      }
    }
  }

  /** Draws text with the 5×7 font at `scale` pixels per font pixel; returns its width. */
  text(x: number, y: number, text: string, colour: Rgb, scale = 2): number {
    [...text].forEach((character, index) => {
      const rows = glyphRows(character);
      rows.forEach((row, ry) => {
        for (let rx = 0; rx < GLYPH.width; rx += 1) {
          if (row & (1 << (GLYPH.width - 1 - rx))) this.fill(x + (index * GLYPH.advance + rx) * scale, y + ry * scale, scale, scale, colour);
        }
      });
    });
    return textWidth(text, scale);
  }
}

/** Width in pixels of `text` at `scale`. */
export function textWidth(text: string, scale = 2): number {
  return [...text].length * GLYPH.advance * scale;
}

const WIDTH = 1100;
const LABEL_WIDTH = 190;
const BAR_HEIGHT = 16;
const BAR_GAP = 3;
const GROUP_GAP = 12;
const PANEL_GAP = 40;
const MARGIN = 20;
const VALUE_SPACE = 110;

function formatValue(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}K`;
  if (value >= 100) return String(Math.round(value));
  return value.toFixed(value >= 10 ? 1 : 2);
}

/**
 * Renders panels of horizontal bar charts into an RGB raster: a title per panel, a label per group, one bar per
 * value with the value printed after it, and a legend of bar labels at the top.
 */
export function renderChart(title: string, panels: readonly ChartPanel[]): RgbImage {
  const legend = new Map<string, Rgb>();
  for (const panel of panels) for (const group of panel.groups) for (const bar of group.bars) legend.set(bar.label, bar.colour);
  const groupHeight = (group: BarGroup): number => Math.max(1, group.bars.length) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
  const panelHeight = (panel: ChartPanel): number => 30 + panel.groups.reduce((sum, g) => sum + groupHeight(g), 0) + 20;
  const height = MARGIN * 2 + 30 + 24 + panels.reduce((sum, p) => sum + panelHeight(p) + PANEL_GAP, 0);
  const canvas = new Canvas(WIDTH, height, COLOURS.background);

  canvas.text(MARGIN, MARGIN, title, COLOURS.text, 3);
  let x = MARGIN;
  const legendY = MARGIN + 30;
  for (const [label, colour] of legend) {
    canvas.fill(x, legendY, 14, 14, colour);
    x += 20 + canvas.text(x + 20, legendY, label, COLOURS.text, 2) + 16;
  }

  let y = legendY + 24 + 10;
  const plotLeft = MARGIN + LABEL_WIDTH;
  const plotWidth = WIDTH - plotLeft - MARGIN - VALUE_SPACE;
  for (const panel of panels) {
    canvas.text(MARGIN, y, panel.title, COLOURS.text, 2);
    y += 30;
    const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
    const max = Math.max(1, ...values);
    const logMax = Math.ceil(Math.log10(max));
    const scale = (value: number): number => {
      if (value <= 0) return 0;
      if (!panel.logScale) return (value / max) * plotWidth;
      // Log axis from 1 to the next power of ten above the largest value.
      return (Math.max(0, Math.log10(Math.max(1, value))) / Math.max(1, logMax)) * plotWidth;
    };
    const top = y;
    const bottom = y + panel.groups.reduce((sum, g) => sum + groupHeight(g), 0);
    if (panel.logScale) {
      for (let decade = 0; decade <= logMax; decade += 1) {
        const gx = plotLeft + (decade / Math.max(1, logMax)) * plotWidth;
        canvas.fill(gx, top, 1, bottom - top, COLOURS.grid);
        const label = 10 ** decade >= 1000 ? `${10 ** (decade - 3)}K` : String(10 ** decade);
        canvas.text(gx - textWidth(label, 1) / 2, bottom + 4, label, COLOURS.text, 1);
      }
    }
    for (const group of panel.groups) {
      canvas.text(MARGIN, y + 2, group.label, COLOURS.text, 2);
      for (const bar of group.bars) {
        const w = Math.max(bar.value > 0 ? 2 : 0, scale(bar.value));
        canvas.fill(plotLeft, y, w, BAR_HEIGHT, bar.colour);
        canvas.text(plotLeft + w + 6, y + 2, formatValue(bar.value), COLOURS.text, 2);
        y += BAR_HEIGHT + BAR_GAP;
      }
      if (group.bars.length === 0) y += BAR_HEIGHT + BAR_GAP;
      y += GROUP_GAP;
    }
    y += 20 + PANEL_GAP;
  }
  return { width: canvas.width, height: canvas.height, pixels: canvas.pixels };
}

/** `renderChart` encoded as PNG. */
export function renderChartPng(title: string, panels: readonly ChartPanel[]): Buffer {
  return encodeRgbPng(renderChart(title, panels));
}
