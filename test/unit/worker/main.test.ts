import { PassThrough } from 'node:stream';
import { workerCommand } from '../../../toolkit/cli/commands/worker';
import { UsageError } from '../../../toolkit/cli/usage-error';
import { runWorker, workerUsage, type WorkerIo } from '../../../toolkit/core/worker/main';
import { pipeline } from '../../fixtures/pipelines/help-desk';

/** Streams that record what the worker prints, and a stop-signal hook that is never fired. */
function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const value: WorkerIo = { stdout, stderr, onStopSignal: () => undefined };
  return { value, out: () => out, err: () => err };
}

describe('runWorker (npm run worker)', () => {
  it('prints its usage for --help and exits 0', async () => {
    const streams = io();
    await expect(runWorker(pipeline, ['--help'], {}, streams.value)).resolves.toBe(0);
    expect(streams.out()).toBe(workerUsage(pipeline.stageKeys));
  });

  it.each([
    [['--max-messages', '10'], { GOOGLE_CLOUD_PROJECT: 'local-project' }, /the stage to run is missing/],
    [['translate'], { GOOGLE_CLOUD_PROJECT: 'local-project' }, /unknown stage "translate"; expected one of language, /],
    [['language', '--max-messages', '0'], { GOOGLE_CLOUD_PROJECT: 'local-project' }, /max outstanding messages must be at least 1/],
    [['language'], {}, /GOOGLE_CLOUD_PROJECT is not set/],
    [['language', '--max-message', '5'], {}, /Unknown option '--max-message'/],
    [['nlp'], { GOOGLE_CLOUD_PROJECT: 'local-project', PIPELINE_FAULTS: '{"nlp": {"retryableRate": 2}}' }, /PIPELINE_FAULTS is invalid: .*retryableRate must be ≤ 1/],
  ])('refuses %j with env %j and exits 2, saying what to fix', async (argv, env, message) => {
    const streams = io();
    await expect(runWorker(pipeline, argv, env, streams.value)).resolves.toBe(2);
    expect(streams.err()).toMatch(message);
    expect(streams.err()).toContain('Usage: npm run worker');
  });
});

describe('workerCommand (aipipe worker)', () => {
  it('prints its usage for --help', async () => {
    let out = '';
    const stream = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString()));
    await expect(workerCommand(['--help'], stream)).resolves.toBe(0);
    expect(out).toMatch(/^Usage: aipipe worker <stage>/);
    expect(out).toContain('--max-messages N');
  });

  it('asks for the stage before connecting anywhere', async () => {
    await expect(workerCommand([])).rejects.toThrow(UsageError);
    await expect(workerCommand(['language', 'nlp'])).rejects.toThrow('expected one stage, got language nlp');
  });
});
