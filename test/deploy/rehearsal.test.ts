/**
 * The deploy rehearsal (bench/rehearsal/): the dev stack synthesised from the real tree, its archive installed
 * from the registry as Google's Node.js buildpack installs it (fresh cache, production dependencies, the stack's
 * build environment, outside the repository), every function started with the environment the stack gives it and
 * sent real requests through its own push subscription on the emulator.
 *
 * Fails on any functional problem: an install that fails or reaches beyond the registry, a function that does not
 * start, answers non-2xx, or publishes the wrong result or routing attribute. Cold starts and memory are measured
 * and written to bench/out/rehearsal.json and .md (`npm run rehearse` writes bench/rehearsal.*), never asserted:
 * they depend on the machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkExample, rehearsalIngress } from '../../bench/rehearsal/example';
import { rehearsalFigures, renderTable, writeFigures } from '../../bench/rehearsal/report';
import { rehearse, type RehearsalResult } from '../../bench/rehearsal/rehearse';
import { readStack } from '../../bench/rehearsal/stack';
import { synthesiseReal, type RealSynth } from '../../bench/rehearsal/synth';
import { firestoreEmulatorHost } from '../support/firestore';
import { emulatorHost, uniqueProject } from '../support/emulator';

/**
 * Measured here: synth ~15 s, install ~50-60 s with an empty cache, six cold starts ~5-10 s each: ~2.5 minutes.
 * Bounded: synth 90 s, install 150 s, 20 s for each function's answers, six minutes in all.
 */
jest.setTimeout(360_000);

const REPO_ROOT = path.resolve(__dirname, '../..');

describe('deploy rehearsal of the dev stack', () => {
  let outDir: string;
  let synth: RealSynth;
  let result: RehearsalResult;

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-synth-'));
    // A project of its own on the shared emulators; the archive does not depend on it.
    synth = await synthesiseReal({ repoRoot: REPO_ROOT, outDir, project: uniqueProject('rehearsal'), timeoutMillis: 90_000 });
    const stackDir = path.join(outDir, 'stacks', 'dev');
    result = await rehearse({
      repoRoot: REPO_ROOT,
      stackDir,
      pubsubEmulatorHost: emulatorHost(),
      firestoreEmulatorHost: firestoreEmulatorHost(),
      ingress: await rehearsalIngress(readStack(stackDir)),
      installTimeoutMillis: 150_000,
      answerTimeoutMillis: 20_000,
    });
    const figures = rehearsalFigures({ ...result, problems: [...result.problems, ...checkExample(result.functions)] }, { synthMillis: synth.durationMillis });
    // bench/out is not tracked: `npm test` leaves the committed figures (`npm run rehearse`) alone.
    writeFigures(figures, path.join(REPO_ROOT, 'bench', 'out'));
    process.stdout.write(`${renderTable(figures)}\n`);
  });

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('installs every archive from the registry alone, with the stack\'s build environment', () => {
    // Assess
    expect(result.installs.length).toBeGreaterThan(0);
    expect(result.networkRefused).toEqual([]);
    expect(result.networkAllowed.length).toBeGreaterThan(0);
    for (const install of result.installs) expect(install.buildEnv).toMatchObject({ ONNXRUNTIME_NODE_INSTALL: 'skip' });
  });

  it('starts every function of the stack, which answers every push with a 2xx', () => {
    // Assess
    const stack = readStack(path.join(outDir, 'stacks', 'dev'));
    expect(result.functions.map((f) => f.name).sort()).toEqual(stack.functions.map((f) => f.name).sort());
    expect(result.problems).toEqual([]);
    for (const run of result.functions) {
      expect(run.statuses.length).toBeGreaterThanOrEqual(run.inputs.length);
      expect(run.statuses.every((status) => status >= 200 && status < 300)).toBe(true);
      expect(run.firstAnswerMs).toBeGreaterThan(0);
      expect(run.rssAtFirstAnswerBytes).toBeGreaterThan(0);
    }
  });

  it('each stage publishes its result with its routing attributes (lang, sentiment, topic, orientation, text)', () => {
    // Assess
    expect(checkExample(result.functions)).toEqual([]);
  });
});
