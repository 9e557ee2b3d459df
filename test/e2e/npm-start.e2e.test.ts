/**
 * `npm start` as a user runs it: a child process that starts its own emulator and stage servers, the command
 * line publishing and tailing against it, and SIGTERM stopping everything, the emulator's Java process included.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitUntil, type ManagedProcess } from '../../toolkit/local/processes';
import { freePort } from '../../toolkit/local/ports';
import { isPubSubEmulatorAnswering } from '../../toolkit/local/pubsub-emulator';
import { LOCAL_STATE_FILE } from '../../toolkit/local/state-file';
import { uniqueProject } from '../support/emulator';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('npm start', () => {
  let start: ManagedProcess;
  let env: NodeJS.ProcessEnv;
  let emulatorHost: string;

  beforeAll(async () => {
    emulatorHost = `127.0.0.1:${await freePort()}`;
    env = { ...process.env, PUBSUB_EMULATOR_HOST: emulatorHost, GOOGLE_CLOUD_PROJECT: uniqueProject('start'), PIPELINE_PREFIX: '', DASHBOARD_PORT: '0' };
    start = startProcess('npm start', process.execPath, ['--import', 'tsx', join(ROOT, 'toolkit/local/start.ts'), '--pipeline', 'functions/pipeline.ts'], { cwd: ROOT, env });
    await waitUntil('npm start', async () => start.output().includes('Local pipeline ready'), { timeoutMillis: 60_000, process: start });
  });

  afterAll(async () => {
    await start?.stop();
  });

  const cli = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/aipipe.js'), ...args], { cwd: ROOT, env, timeout: 60_000 });
    return stdout;
  };

  it('starts the emulator on the address in PUBSUB_EMULATOR_HOST and prints how to publish', async () => {
    expect(await isPubSubEmulatorAnswering(emulatorHost)).toBe(true);
    expect(start.output()).toMatch(/Publish \(another terminal\):\s+npm run cli -- publish/);
    expect(start.output()).toContain(`Pub/Sub emulator   ${emulatorHost}`);
  });

  it('serves the live dashboard on loopback at the address it prints', async () => {
    const url = /Dashboard \(live\):\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(start.output())?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<meta name="dashboard-token" content="[\w-]{43}">/);
  });

  it('publishes with the command line and tails a routed result with lang and sentiment', async () => {
    // Act
    const published = JSON.parse(await cli('publish', 'This is terrible, I hate it, the worst experience ever.', '--attr', 'correlationId=cli-neg')) as { messageIds: string[] };
    await cli('publish', 'I love this product, it is wonderful and works perfectly.', '--attr', 'correlationId=cli-pos');
    const negative = (await cli('tail', 'negative', '--json', '--max', '1', '--idle-seconds', '20')).trim().split('\n');

    // Assess: the negative subscription shows only the negative result (its filter applied, as in production).
    expect(published.messageIds).toHaveLength(1);
    expect(negative).toHaveLength(1);
    const record = JSON.parse(negative[0]!) as { attributes: Record<string, string>; data: { nlp: { sentiment: { label: string } } } };
    expect(record.attributes).toMatchObject({ correlationId: 'cli-neg', lang: 'en', sentiment: 'negative', stage: 'classify' });
    expect(record.data.nlp.sentiment.label).toBe('negative');
  });

  it('refuses an unknown flag with a clear error and exit code 2', async () => {
    await expect(cli('publish', 'hello', '--colour', 'red')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--colour'") });
  });

  it('stops everything it started on SIGTERM, the emulator JVM included', async () => {
    // Prepare
    const javaPid = Number(/Pub\/Sub emulator\s+\S+ \(pid (\d+)\)/.exec(start.output())?.[1]);
    expect(javaPid).toBeGreaterThan(0);
    // Act
    process.kill(start.pid, 'SIGTERM');
    const code = await start.exited;
    // Assess
    expect(code).toBe(0);
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitUntil('emulator JVM to exit', async () => !alive(javaPid), { timeoutMillis: 10_000 });
    expect(await isPubSubEmulatorAnswering(emulatorHost)).toBe(false);
    expect(existsSync(LOCAL_STATE_FILE)).toBe(false);
  });
});
