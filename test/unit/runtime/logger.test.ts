import { createLogger, traceFields } from '../../../toolkit/core/runtime/logger';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('traceFields', () => {
  it.each([
    ['sampled', `00-${TRACE_ID}-${SPAN_ID}-01`, true],
    ['not sampled', `00-${TRACE_ID}-${SPAN_ID}-00`, false],
  ])('turns a %s traceparent into Cloud Logging trace fields', (_name, traceparent, sampled) => {
    expect(traceFields(traceparent, 'test-project')).toEqual({
      'logging.googleapis.com/trace': `projects/test-project/traces/${TRACE_ID}`,
      'logging.googleapis.com/spanId': SPAN_ID,
      'logging.googleapis.com/trace_sampled': sampled,
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not a traceparent', 'hello'],
    ['a trace id that is too short', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['a span id that is too long', `00-${TRACE_ID}-${SPAN_ID}0-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['a missing flags field', `00-${TRACE_ID}-${SPAN_ID}`],
    ['surrounding text', ` 00-${TRACE_ID}-${SPAN_ID}-01`],
  ])('gives nothing for a traceparent that is %s', (_name, traceparent) => {
    expect(traceFields(traceparent, 'test-project')).toEqual({});
  });
});

describe('createLogger', () => {
  /** A logger writing into an array, and the parsed entries. */
  function capture() {
    const lines: string[] = [];
    const logger = createLogger({ service: 'language' }, (line) => lines.push(line));
    const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { lines, logger, entries };
  }

  it('writes one JSON line per entry with severity, message, base fields, fields and time', () => {
    // Prepare
    const { logger, lines, entries } = capture();

    // Act
    logger.info('published 1', { messageId: '1' });

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(entries()[0]).toEqual({ severity: 'INFO', message: 'published 1', service: 'language', messageId: '1', time: expect.any(String) });
    expect(Number.isNaN(Date.parse(String(entries()[0]?.['time'])))).toBe(false);
  });

  it.each([
    ['info', 'INFO'],
    ['warn', 'WARNING'],
    ['error', 'ERROR'],
  ] as const)('%s logs at %s', (method, severity) => {
    // Prepare
    const { logger, entries } = capture();

    // Act
    logger[method]('something');

    // Assess
    expect(entries()[0]?.['severity']).toBe(severity);
  });

  it('adds a child logger’s fields to every entry, without changing the parent', () => {
    // Prepare
    const { logger, entries } = capture();

    // Act
    logger.child({ correlationId: 'c-1' }).child({ stage: 'nlp' }).log('NOTICE', 'child');
    logger.info('parent');

    // Assess
    expect(entries()[0]).toMatchObject({ severity: 'NOTICE', service: 'language', correlationId: 'c-1', stage: 'nlp' });
    expect(entries()[1]).not.toHaveProperty('correlationId');
  });

  it('writes errors as name, message and stack', () => {
    // Prepare
    const { logger, entries } = capture();

    // Act
    logger.error('failed', { error: new TypeError('bad thing') });

    // Assess
    expect(entries()[0]?.['error']).toEqual({ name: 'TypeError', message: 'bad thing', stack: expect.stringContaining('bad thing') });
  });
});
