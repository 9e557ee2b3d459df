/**
 * scripts/build-functions.ts on a small fixture repository (test/fixtures/infra/build-tree.json): compiles the
 * deployable code, keeps laptop code out, writes a runtime-only package.json and a reproducible zip.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFunctionSource, ensureFunctionSource, FunctionBuildError, requiredPackages, runtimePackageJson } from '../../../scripts/build-functions';
import tree from '../../fixtures/infra/build-tree.json';

const repoRoot = path.resolve(__dirname, '../../..');
const made: string[] = [];

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the fixture repository, sharing the real node_modules for type declarations. */
function fixtureRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-functions-'));
  made.push(root);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(tree['package.json'], null, 2));
  fs.copyFileSync(path.join(repoRoot, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const [rel, text] of Object.entries(tree.files)) write(root, rel, text);
  return root;
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

function unzipList(zipPath: string): string[] {
  return execFileSync('zipinfo', ['-1', zipPath], { encoding: 'utf8' }).trim().split('\n');
}

describe('buildFunctionSource', () => {
  let root: string;
  beforeAll(() => {
    root = fixtureRepo();
  });

  it('compiles the deployable code, without laptop-only folders, into a readable zip', () => {
    const source = buildFunctionSource({ root });
    expect(source.files).toEqual(['functions/index.js', 'functions/stages/greet.js', 'package.json']);
    expect(unzipList(source.zipPath)).toEqual(source.files);
    execFileSync('unzip', ['-tq', source.zipPath]);
  });

  it('writes a package.json with only runtime dependencies at their exact versions', () => {
    buildFunctionSource({ root });
    const pkg = JSON.parse(fs.readFileSync(path.join(root, '.build/function-source/package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ main: 'functions/index.js', engines: { node: '>=20' }, private: true });
    // cli-progress is only used by functions/local; cdktf and typescript are devDependencies.
    expect(pkg['dependencies']).toEqual({
      '@google-cloud/functions-framework': '5.0.5',
      '@google-cloud/pubsub': '5.3.1',
      zod: '4.6.7',
    });
  });

  it('gives the same bytes on every build of the same tree', () => {
    const first = buildFunctionSource({ root });
    const firstBytes = fs.readFileSync(first.zipPath);
    const second = buildFunctionSource({ root });
    expect(second.sha256).toBe(first.sha256);
    expect(fs.readFileSync(second.zipPath).equals(firstBytes)).toBe(true);
  });

  it('reuses an up-to-date build and rebuilds after a change', () => {
    const built = buildFunctionSource({ root });
    expect(ensureFunctionSource({ root })).toMatchObject({ rebuilt: false, sha256: built.sha256 });
    write(root, 'functions/stages/greet.ts', `${tree.files['functions/stages/greet.ts']}\nexport const version = 2;\n`);
    const changed = ensureFunctionSource({ root });
    expect(changed.rebuilt).toBe(true);
    expect(changed.sha256).not.toBe(built.sha256);
    write(root, 'functions/stages/greet.ts', tree.files['functions/stages/greet.ts']);
    expect(ensureFunctionSource({ root }).sha256).toBe(built.sha256);
  });

  it('fails on type errors, naming the file and line', () => {
    const broken = fixtureRepo();
    write(broken, 'functions/stages/greet.ts', 'export const n: number = "not a number";\n');
    expect(() => buildFunctionSource({ root: broken })).toThrow(/functions\/stages\/greet\.ts:1:14/);
  });

  it('fails when deployed code imports laptop-only code', () => {
    const leaky = fixtureRepo();
    write(leaky, 'functions/index.ts', "import { bar } from './local/runner';\nexport const b = bar;\n");
    expect(() => buildFunctionSource({ root: leaky })).toThrow(/imports laptop-only code[\s\S]*functions\/local\/runner\.ts/);
  });

  it('fails when the entry point is missing', () => {
    const empty = fixtureRepo();
    fs.rmSync(path.join(empty, 'functions/index.ts'));
    expect(() => buildFunctionSource({ root: empty })).toThrow(FunctionBuildError);
  });
});

describe('requiredPackages', () => {
  it('finds packages in compiled requires, ignoring relative paths and Node built-ins', () => {
    const found = requiredPackages([
      'const a = require("@google-cloud/pubsub/build/src/index");\nconst b = require("./x");\nconst fs = require("fs");\nconst p = require("node:path");',
      "Promise.resolve().then(() => __importStar(require('wink-nlp')));",
    ]);
    expect([...found].sort()).toEqual(['@google-cloud/pubsub', 'wink-nlp']);
  });
});

describe('runtimePackageJson', () => {
  const root = { name: 'p', version: '1.0.0', dependencies: { zod: '4.6.7', 'cli-progress': '3.12.0' }, devDependencies: { cdktf: '0.21.0' } };

  it('adds a root dependency the code requires', () => {
    expect(runtimePackageJson(root, new Set(['cli-progress']))['dependencies']).toEqual({ 'cli-progress': '3.12.0', zod: '4.6.7' });
  });

  it('refuses code that requires a devDependency or an unknown package', () => {
    expect(() => runtimePackageJson(root, new Set(['cdktf', 'left-pad']))).toThrow(/cdktf is a devDependency[\s\S]*left-pad is not in package.json/);
  });
});
