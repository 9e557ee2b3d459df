import { parseJsonl } from '../../../toolkit/cli/jsonl';

describe('parseJsonl', () => {
  it('parses one value per line, keeping 1-based line numbers', () => {
    // Act
    const { records, errors } = parseJsonl('{"text":"a"}\n"just a string"\n42\n');

    // Assess
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, value: { text: 'a' } },
      { line: 2, value: 'just a string' },
      { line: 3, value: 42 },
    ]);
  });

  it('skips blank and whitespace-only lines but still counts them', () => {
    // Act
    const { records, errors } = parseJsonl('\n{"text":"a"}\n   \n\t\n{"text":"b"}');

    // Assess
    expect(errors).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([2, 5]);
  });

  it('accepts Windows line endings', () => {
    // Act
    const { records, errors } = parseJsonl('{"text":"a"}\r\n{"text":"b"}\r\n');

    // Assess
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, value: { text: 'a' } },
      { line: 2, value: { text: 'b' } },
    ]);
  });

  it.each([
    ['an unquoted word', 'hello'],
    ['a truncated object', '{"text": "a"'],
    ['a trailing comma', '{"text": "a",}'],
    ['two values on one line', '{"a":1} {"b":2}'],
    ['single quotes', "{'text': 'a'}"],
  ])('reports %s with its line number', (_name, bad) => {
    // Act
    const { records, errors } = parseJsonl(`{"text":"ok"}\n\n${bad}\n{"text":"also ok"}`);

    // Assess
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^line 3: \S/);
    expect(records.map((r) => r.line)).toEqual([1, 4]);
  });

  it('reports every malformed line at once, in order', () => {
    // Act
    const { errors } = parseJsonl('nope\n{"ok":true}\n{bad\n\n[1,\n');

    // Assess
    expect(errors.map((e) => e.split(':')[0])).toEqual(['line 1', 'line 3', 'line 5']);
  });

  it('gives nothing for an empty file', () => {
    expect(parseJsonl('')).toEqual({ records: [], errors: [] });
  });
});
