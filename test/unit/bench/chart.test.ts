import { COLOURS, renderChartPng } from '../../../bench/chart';
import { crc32 } from '../../../bench/png';
import { decodePng } from '../../../functions/models/png';

/** Pixels of exactly `colour` in an RGBA raster. */
function countColour(rgba: Uint8Array, colour: readonly [number, number, number]): number {
  let count = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] === colour[0] && rgba[i + 1] === colour[1] && rgba[i + 2] === colour[2]) count += 1;
  return count;
}

describe('renderChartPng', () => {
  const panels = (raw: number) => [
    { title: 'THROUGHPUT', logScale: true, groups: [{ label: 'classify', bars: [{ label: 'raw model', value: raw, colour: COLOURS.raw }, { label: 'stage server', value: 50, colour: COLOURS.server }] }] },
    { title: 'PIPELINE', groups: [{ label: 'text path', bars: [{ label: 'pull', value: 40, colour: COLOURS.pull }] }] },
  ];

  it('writes a PNG that an independent decoder reads, with every bar drawn in its colour', () => {
    // Act
    const png = renderChartPng('BENCHMARK', panels(1000));
    const image = decodePng(png);

    // Assess: decodePng checks the signature, every chunk's CRC and that the pixels inflate.
    expect(image.width).toBe(1100);
    expect(image.height).toBeGreaterThan(200);
    expect(countColour(image.data, COLOURS.raw)).toBeGreaterThan(0);
    expect(countColour(image.data, COLOURS.server)).toBeGreaterThan(0);
    expect(countColour(image.data, COLOURS.pull)).toBeGreaterThan(0);
    expect(countColour(image.data, COLOURS.text)).toBeGreaterThan(0);
  });

  it('draws a larger value as a longer bar', () => {
    const small = decodePng(renderChartPng('B', panels(10)));
    const large = decodePng(renderChartPng('B', panels(10_000)));
    expect(countColour(large.data, COLOURS.raw)).toBeGreaterThan(countColour(small.data, COLOURS.raw));
  });
});

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
