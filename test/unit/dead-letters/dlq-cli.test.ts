import { PassThrough } from 'node:stream';
import { dlqCommand } from '../../../toolkit/cli/commands/dlq';
import { dataForJson, formatTable, parsePositiveNumber, selectionFrom, type DlqIo } from '../../../toolkit/cli/commands/dlq-io';
import { UsageError } from '../../../toolkit/cli/usage-error';

/** Streams that record what was written; `input` is a terminal only when asked. */
function fakeIo(inputIsTty = false): DlqIo & { written: () => string } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const input = Object.assign(new PassThrough(), { isTTY: inputIsTty });
  return { out, err: new PassThrough(), input, written: () => chunks.join('') };
}

describe('aipipe dlq', () => {
  it('prints its usage for --help', async () => {
    const io = fakeIo();
    await expect(dlqCommand(['--help'], io)).resolves.toBe(0);
    expect(io.written()).toContain('Usage: aipipe dlq <list|replay|purge>');
  });

  it.each([
    [[], /expected a subcommand: list, replay, purge/],
    [['peek'], /unknown subcommand "peek"/],
    [['purge'], /stdin is not a terminal.*pass --yes/],
    [['replay', '--rate', 'fast', '--all'], /--rate "fast": expected a positive number/],
    [['list', '--limit', '0'], /--limit "0": expected a positive whole number/],
    [['list', '--frobnicate'], /frobnicate/],
  ])('refuses %j before touching Pub/Sub', async (argv, message) => {
    const failure = dlqCommand(argv, fakeIo());
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(message);
  });
});

describe('dlq helpers', () => {
  it('builds a selection from flags and refuses an unknown stage', () => {
    expect(selectionFrom({ id: ['1'], reason: ['INVALID_JSON'], stage: ['nlp'], filter: 'attributes:lang' }, ['language', 'nlp'])).toEqual({
      ids: ['1'],
      reasons: ['INVALID_JSON'],
      stages: ['nlp'],
      filter: 'attributes:lang',
    });
    expect(selectionFrom({}, ['nlp'])).toEqual({});
    expect(() => selectionFrom({ stage: ['nl'] }, ['language', 'nlp'])).toThrow(/--stage "nl": unknown stage; expected one of language, nlp/);
  });

  it.each([
    ['2', 2],
    ['0.5', 0.5],
    [undefined, undefined],
  ])('parses --rate %s', (value, expected) => {
    expect(parsePositiveNumber('rate', value)).toBe(expected);
  });

  it.each(['0', '-1', '1e3', 'x'])('refuses --rate %s', (value) => {
    expect(() => parsePositiveNumber('rate', value)).toThrow(UsageError);
  });

  it('decodes data for JSON as JSON, text or base64', () => {
    expect(dataForJson(Buffer.from('{"a":1}'))).toEqual({ data: { a: 1 } });
    expect(dataForJson(Buffer.from('plain text'))).toEqual({ data: 'plain text' });
    expect(dataForJson(Buffer.from([0xff, 0xfe]))).toEqual({ dataBase64: '//4=' });
  });

  it('lays out a table with aligned columns and cuts long cells', () => {
    const table = formatTable(['A', 'BB'], [['xxx', 'y'], ['z'.repeat(50), 'w']], 10);
    expect(table.split('\n')).toEqual(['A           BB', 'xxx         y', 'zzzzzzzzz…  w']);
  });
});
