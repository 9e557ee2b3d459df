import { rehearsalFigures, renderMarkdown, renderTable } from '../../../../bench/rehearsal/report';
import type { FunctionRun, RehearsalResult } from '../../../../bench/rehearsal/rehearse';

const MiB = 1024 ** 2;

/** A function's run; override any field. */
function run(entryPoint: string, overrides: Partial<FunctionRun> = {}): FunctionRun {
  return {
    name: `dev-${entryPoint}`,
    entryPoint,
    stage: entryPoint,
    archive: 'function-source.zip',
    archiveBytes: 142 * 1024,
    installedBytes: 488 * MiB,
    installCommand: 'install',
    installMillis: 48_000,
    availableMemory: '512Mi',
    availableMemoryBytes: 512 * MiB,
    listeningMs: 900,
    firstAnswerMs: 1_200,
    firstRequestMs: 250,
    rssAtFirstAnswerBytes: 128 * MiB,
    inputs: [],
    statuses: [204],
    published: [],
    output: '',
    ...overrides,
  };
}

function result(functions: FunctionRun[]): RehearsalResult {
  return {
    stackDir: '/tmp/stack',
    project: 'p',
    functions,
    installs: [{ archivePath: '/tmp/stack/function-source.zip', archiveBytes: 142 * 1024, installedBytes: 488 * MiB, command: 'install', installMillis: 48_000, buildEnv: { ONNXRUNTIME_NODE_INSTALL: 'skip' } }],
    networkAllowed: ['registry.npmjs.org:443'],
    networkRefused: [],
    problems: [],
    durationMillis: 120_000,
  };
}

describe('rehearsalFigures', () => {
  it('judges a light stage against 1.5 s, a heavy one against 4 s, and memory against 60% of the function\'s', () => {
    // Act
    const figures = rehearsalFigures(
      result([run('language'), run('classify', { firstAnswerMs: 4_500, availableMemory: '1Gi', availableMemoryBytes: 1024 * MiB, rssAtFirstAnswerBytes: 700 * MiB })]),
    );

    // Assess
    expect(figures.functions.map((f) => [f.entryPoint, f.coldStartTargetMs, f.coldStartMet, f.rssShare, f.memoryMet])).toEqual([
      ['language', 1_500, true, 0.25, true],
      ['classify', 4_000, false, 0.684, false],
    ]);
    expect(figures.installs).toEqual([{ archive: 'function-source.zip', command: 'npm install', seconds: 48, archiveKb: 142, installedMb: 488, buildEnv: { ONNXRUNTIME_NODE_INSTALL: 'skip' } }]);
  });

  it('reports a function that never answered without inventing figures', () => {
    // Act
    const [figures] = rehearsalFigures(result([run('nlp', { firstAnswerMs: undefined, firstRequestMs: undefined, rssAtFirstAnswerBytes: undefined, listeningMs: NaN })])).functions;

    // Assess
    expect(figures).toMatchObject({ listeningMs: null, firstAnswerMs: null, coldStartMet: null, rssMb: null, memoryMet: null });
  });
});

describe('rendering', () => {
  it('prints one row per function in the table and in the markdown section', () => {
    // Prepare
    const figures = rehearsalFigures(result([run('language'), run('nlp')]));

    // Act
    const table = renderTable(figures);
    const markdown = renderMarkdown(figures);

    // Assess
    expect(table).toMatch(/dev-language\s+142\s+488\s+900\s+1200 \(≤ 1500: met\)\s+250\s+128 \/ 512Mi\s+25% \(< 60%: met\)/);
    expect(table).toContain('network during installs: registry.npmjs.org:443; refused: none');
    expect(markdown).toContain('## Deploy rehearsal');
    expect(markdown).toContain('| dev-nlp | 142 | 488 | 900 | 1200 (≤ 1500: met) | 250 | 128 / 512Mi | 25% (< 60%: met) |');
  });
});
