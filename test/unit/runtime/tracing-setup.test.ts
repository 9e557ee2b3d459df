import { parseTracingConfig } from '../../../toolkit/core/runtime/tracing-setup';

describe('parseTracingConfig', () => {
  it.each([
    ['nothing recorded locally by default', {}, 'none'],
    ['Cloud Trace when deployed (Cloud Run sets K_SERVICE)', { K_SERVICE: 'dev-language' }, 'cloud-trace'],
    ['what TRACING_EXPORTER says, deployed or not', { K_SERVICE: 'dev-language', TRACING_EXPORTER: 'none' }, 'none'],
    ['memory for tests', { TRACING_EXPORTER: 'memory' }, 'memory'],
    ['a blank TRACING_EXPORTER as unset', { TRACING_EXPORTER: ' ' }, 'none'],
  ])('chooses %s', (_name, env, exporter) => {
    expect(parseTracingConfig(env).exporter).toBe(exporter);
  });

  it('names the service after the function and samples every new trace by default', () => {
    expect(parseTracingConfig({ K_SERVICE: 'dev-nlp', GOOGLE_CLOUD_PROJECT: 'p-1' })).toEqual({ exporter: 'cloud-trace', sampleRatio: 1, serviceName: 'dev-nlp', project: 'p-1' });
  });

  it.each([
    [{ TRACING_EXPORTER: 'jaeger' }, /TRACING_EXPORTER must be one of none, cloud-trace, console, memory/],
    [{ TRACING_SAMPLE_RATIO: '1.5' }, /TRACING_SAMPLE_RATIO must be at most 1/],
    [{ TRACING_SAMPLE_RATIO: 'half' }, /TRACING_SAMPLE_RATIO must be a number from 0 to 1/],
  ])('refuses %j, saying what is expected', (env, message) => {
    expect(() => parseTracingConfig(env)).toThrow(message);
  });
});
