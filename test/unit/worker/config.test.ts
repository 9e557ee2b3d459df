import { parseWorkerConfig, WORKER_DEFAULTS } from '../../../toolkit/core/worker/config';

describe('parseWorkerConfig', () => {
  it('uses the defaults when neither flags nor environment say otherwise', () => {
    expect(parseWorkerConfig({ stage: 'language' }, {})).toEqual({
      stage: 'language',
      maxMessages: WORKER_DEFAULTS.maxMessages,
      maxBytes: WORKER_DEFAULTS.maxBytes,
      streams: WORKER_DEFAULTS.streams,
    });
  });

  it('reads WORKER_* variables, and a flag wins over its variable', () => {
    const env = { WORKER_MAX_MESSAGES: '10', WORKER_MAX_BYTES: '2048', WORKER_STREAMS: '2', WORKER_DRAIN_TIMEOUT_SECONDS: '7' };
    expect(parseWorkerConfig({ stage: 'nlp', 'max-messages': '3' }, env)).toEqual({ stage: 'nlp', maxMessages: 3, maxBytes: 2048, streams: 2, drainTimeoutSeconds: 7 });
  });

  it('treats an empty variable as unset', () => {
    expect(parseWorkerConfig({ stage: 'nlp' }, { WORKER_MAX_MESSAGES: ' ' }).maxMessages).toBe(WORKER_DEFAULTS.maxMessages);
  });

  it.each([
    [{ stage: 'nlp', 'max-messages': '0' }, {}, /max outstanding messages must be at least 1; set --max-messages or WORKER_MAX_MESSAGES/],
    [{ stage: 'nlp' }, { WORKER_MAX_BYTES: 'lots' }, /maxBytes: max outstanding bytes must be a whole number/],
    [{ stage: 'nlp', streams: '1.5' }, {}, /streams must be a whole number/],
    [{ stage: 'nlp', streams: '99' }, {}, /at most 16 streams/],
    [{}, {}, /the stage to run is missing/],
  ])('rejects %j with env %j, naming what to fix', (flags, env, message) => {
    expect(() => parseWorkerConfig(flags, env)).toThrow(message);
  });
});
