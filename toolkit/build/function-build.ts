/**
 * Builds one Cloud Functions source archive per stage of a pipeline: only the code and packages that stage runs.
 *
 *   <pipeline folder>/index.ts + each stage's module (and what they import, toolkit/core included)
 *     ─ tsc ─▶ .build/functions/compiled/…                  (the repository's strict options; type errors fail)
 *     ─ per stage: import closure of the entry and the stage's module
 *            + package.json       (the packages that closure requires, root versions; main = the entry)
 *            + package-lock.json  (cut from the root lock file: what the repository installs and tests)
 *     ─ zip ─▶ .build/functions/<stage>.zip                 (reproducible: same input, same bytes, same sha256)
 *
 * The CDKTF app calls `ensureFunctionSources` on every synth, which rebuilds only when an input changed; each
 * uploaded object is named after its zip's sha256, so a code change redeploys exactly the stages it touches.
 * Deployable code lives in the pipeline's folder and in toolkit/core: a deployed file that imports anything
 * else (the local runner, the command line, this build, the CDKTF constructs) fails the build, whatever its name.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import type { Pipeline } from '../core/pipeline-app/create-pipeline';
import { archiveLock, type PackageLock } from './archive-lock';
import { importClosure } from './import-closure';
import { createZip, type ZipEntry } from './zip';

/** Where the build reads and writes. */
export interface BuildOptions {
  /** Repository root (holds package.json, package-lock.json, tsconfig.json and toolkit/). */
  readonly root: string;
  /** The pipeline whose stages are built; its folder holds the deployed entry, `index.ts`. */
  readonly pipeline: Pick<Pipeline, 'root' | 'stageKeys' | 'stageModulePath'>;
  /** Output folder; default `.build/functions` under the root. */
  readonly outDir?: string;
}

/** One stage's archive. */
export interface FunctionSource {
  readonly stage: string;
  /** Absolute path of the archive. */
  readonly zipPath: string;
  /** Hex sha256 of the archive's bytes. */
  readonly sha256: string;
  /** Size of the archive in bytes. */
  readonly bytes: number;
  /** Paths inside the archive, sorted. */
  readonly files: readonly string[];
  /** The archive's runtime dependencies, name → exact version. */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** Every stage's archive, by stage key. */
export type FunctionSources = Readonly<Record<string, FunctionSource>>;

/** Raised when the function source cannot be built; `details` holds compiler diagnostics or offending imports. */
export class FunctionBuildError extends Error {
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(details.length > 0 ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.name = 'FunctionBuildError';
    this.details = details;
  }
}

/** The package.json fields the build reads. */
export interface RootPackage {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** The toolkit's deployable core, relative to the repository root. */
const TOOLKIT_CORE = 'toolkit/core';
/** This build's own files: a change to them rebuilds. */
const BUILD_FILES = ['toolkit/build/function-build.ts', 'toolkit/build/import-closure.ts', 'toolkit/build/archive-lock.ts', 'toolkit/build/zip.ts'];

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Resolved paths and names of a build. */
interface BuildPlan {
  readonly root: string;
  readonly outDir: string;
  readonly compiledDir: string;
  readonly manifestPath: string;
  /** Repository-relative folders whose code may be deployed. */
  readonly deployableDirs: readonly string[];
  /** Repository-relative deployed entry (`<pipeline folder>/index.ts`). */
  readonly entry: string;
  /** Stage key → repository-relative module source. */
  readonly stageModules: Readonly<Record<string, string>>;
}

function plan(options: BuildOptions): BuildPlan {
  const root = path.resolve(options.root);
  const outDir = path.resolve(root, options.outDir ?? '.build/functions');
  const pipelineDir = toPosix(path.relative(root, options.pipeline.root));
  const entry = `${pipelineDir}/index.ts`;
  if (pipelineDir.startsWith('..')) throw new FunctionBuildError(`the pipeline's folder ${options.pipeline.root} is outside the repository ${root}`);
  if (!fs.existsSync(path.join(root, entry))) {
    throw new FunctionBuildError(`${entry} is missing: it is the deployed entry (\`pipeline.registerFunctions()\`), package.json's main in every archive`);
  }
  const stageModules = Object.fromEntries(
    options.pipeline.stageKeys.map((key) => [key, toPosix(path.relative(root, options.pipeline.stageModulePath(key)))]),
  );
  return {
    root,
    outDir,
    compiledDir: path.join(outDir, 'compiled'),
    manifestPath: path.join(outDir, 'manifest.json'),
    deployableDirs: [pipelineDir, TOOLKIT_CORE],
    entry,
    stageModules,
  };
}

/** What `<outDir>/manifest.json` records, so an unchanged tree is not rebuilt. */
interface BuildManifest {
  readonly inputsHash: string;
  /** Repository files the compiler read. */
  readonly inputFiles: readonly string[];
  readonly sources: FunctionSources;
}

/**
 * Builds every stage's archive. Deterministic: two builds of the same tree give byte-identical zips (for a given
 * Node version: the deflate bytes come from Node's bundled zlib).
 */
export async function buildFunctionSources(options: BuildOptions): Promise<FunctionSources> {
  const p = plan(options);
  // Start clean so a deleted source file cannot linger in an archive.
  fs.rmSync(p.outDir, { recursive: true, force: true });
  fs.mkdirSync(p.compiledDir, { recursive: true });
  const inputFiles = compile(p);
  const rootPackage = JSON.parse(fs.readFileSync(path.join(p.root, 'package.json'), 'utf8')) as RootPackage;
  const rootLock = JSON.parse(fs.readFileSync(path.join(p.root, 'package-lock.json'), 'utf8')) as PackageLock;
  const compiled = (rel: string): string => path.join(p.compiledDir, rel.replace(/\.ts$/, '.js'));

  const sources: Record<string, FunctionSource> = {};
  for (const [stage, module] of Object.entries(p.stageModules)) {
    const closure = importClosure([compiled(p.entry), compiled(module)]);
    const dependencies = runtimeDependencies(rootPackage, closure.packages, stage);
    // Named after the stage's module, not the stage: two stages that run one module get identical archives.
    const moduleName = path.basename(module.replace(/(\/index)?\.ts$/, ''));
    const pkg = {
      name: `${rootPackage.name}-${moduleName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      version: rootPackage.version,
      private: true,
      description: `Cloud Functions source of the stage module ${module}, generated by the toolkit's function build. Do not edit.`,
      main: p.entry.replace(/\.ts$/, '.js'),
      engines: { node: '>=20' },
      dependencies,
    };
    const entries: ZipEntry[] = [
      ...closure.files.map((file) => ({ name: toPosix(path.relative(p.compiledDir, file)), data: fs.readFileSync(file) })),
      { name: 'package.json', data: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`) },
      { name: 'package-lock.json', data: Buffer.from(`${JSON.stringify(archiveLock(rootLock, pkg), null, 2)}\n`) },
    ];
    const zip = await createZip(entries);
    const zipPath = path.join(p.outDir, `${stage}.zip`);
    fs.writeFileSync(zipPath, zip);
    sources[stage] = { stage, zipPath, sha256: sha256(zip), bytes: zip.length, files: entries.map((e) => e.name).sort(), dependencies };
  }
  const manifest: BuildManifest = { inputsHash: inputsHash(p, inputFiles), inputFiles, sources };
  fs.writeFileSync(p.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return sources;
}

/**
 * The archives, rebuilt only if one is missing or stale: when no input changed since the last build (same files,
 * same contents, same compiler and Node) and every zip on disk still has its recorded hash, the last build is
 * reused. This is what the CDKTF app calls on every synth.
 */
export async function ensureFunctionSources(options: BuildOptions): Promise<{ readonly sources: FunctionSources; readonly rebuilt: boolean }> {
  const p = plan(options);
  const manifest = readManifest(p.manifestPath);
  const stages = Object.keys(p.stageModules);
  if (
    manifest &&
    stages.every((stage) => manifest.sources[stage] !== undefined) &&
    Object.keys(manifest.sources).length === stages.length &&
    Object.values(manifest.sources).every((s) => fs.existsSync(s.zipPath) && sha256(fs.readFileSync(s.zipPath)) === s.sha256) &&
    inputsHash(p, manifest.inputFiles) === manifest.inputsHash
  ) {
    return { sources: manifest.sources, rebuilt: false };
  }
  return { sources: await buildFunctionSources(options), rebuilt: true };
}

function readManifest(manifestPath: string): BuildManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as BuildManifest;
  } catch {
    return undefined;
  }
}

/**
 * The archive's dependencies: the packages its code requires, at the root package.json's exact versions. A
 * package that is only a devDependency (cdktf, test tools) or not declared at all fails the build.
 */
export function runtimeDependencies(rootPackage: RootPackage, required: ReadonlySet<string>, stage: string): Record<string, string> {
  const available = rootPackage.dependencies ?? {};
  const problems = [...required]
    .filter((name) => !(name in available))
    .sort()
    .map((name) =>
      rootPackage.devDependencies && name in rootPackage.devDependencies
        ? `${name} is a devDependency; deployed code must not require it`
        : `${name} is not in package.json "dependencies"`,
    );
  if (problems.length > 0) throw new FunctionBuildError(`stage ${stage}: the deployed code requires packages it cannot have at run time`, problems);
  return Object.fromEntries([...required].sort().map((name) => [name, available[name] as string]));
}

/**
 * A hash of everything the archives are made from: the files the compiler read last time, the deployable files
 * now (so an added file counts), package.json, the lock file, tsconfig, this build, the compiler's and Node's versions.
 */
function inputsHash(p: BuildPlan, recorded: readonly string[]): string {
  const files = [...new Set([...recorded, ...deployableFiles(p), 'package.json', 'package-lock.json', 'tsconfig.json', ...BUILD_FILES])].sort();
  const hash = createHash('sha256').update(`typescript ${ts.version}\nnode ${process.version}\n${JSON.stringify(p.stageModules)}\n`);
  for (const rel of files) {
    const full = path.join(p.root, rel);
    hash.update(`${rel}\0`);
    hash.update(fs.existsSync(full) ? fs.readFileSync(full) : '\0missing');
    hash.update('\0');
  }
  return hash.digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every file in the deployable folders, repository-relative, sorted. */
function deployableFiles(p: BuildPlan): string[] {
  return p.deployableDirs.flatMap((dir) => listFiles(path.join(p.root, dir))).map((file) => toPosix(path.relative(p.root, file)));
}

function isDeployable(p: BuildPlan, rel: string): boolean {
  return p.deployableDirs.some((dir) => rel === dir || rel.startsWith(`${dir}/`));
}

/**
 * Compiles the entry and every stage's module with the repository's compiler options (type errors fail the
 * build) into the compiled folder. Returns the repository files the program read, for staleness checks.
 */
function compile(p: BuildPlan): string[] {
  const configPath = path.join(p.root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  if (read.error) throw new FunctionBuildError('cannot read tsconfig.json', [flatten(read.error)]);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, p.root, undefined, configPath);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // The repository's strictness, but emitting into the build's folder, without maps or declarations.
    rootDir: p.root,
    outDir: p.compiledDir,
    noEmit: false,
    noEmitOnError: true,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    declarationMap: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
  };
  // Ambient declarations (`declare module` for untyped packages) in the deployable folders are part of the
  // program, as in the repository's own type check; without them the build fails on imports the editor accepts.
  const declarations = deployableFiles(p).filter((rel) => rel.endsWith('.d.ts'));
  const rootNames = [p.entry, ...Object.values(p.stageModules), ...declarations].map((rel) => path.join(p.root, rel));
  const program = ts.createProgram([...new Set(rootNames)], options);
  const repositoryFiles = program
    .getSourceFiles()
    .map((sf) => toPosix(path.relative(p.root, sf.fileName)))
    .filter((rel) => !rel.startsWith('node_modules/') && !rel.startsWith('..'));

  const leaked = repositoryFiles.filter((rel) => !isDeployable(p, rel));
  if (leaked.length > 0) {
    throw new FunctionBuildError(`deployed code imports code that is not deployable (only ${p.deployableDirs.join(' and ')} are)`, leaked);
  }
  const errorsOf = (diagnostics: readonly ts.Diagnostic[]) => diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  const typeErrors = errorsOf(ts.getPreEmitDiagnostics(program));
  if (typeErrors.length > 0) throw new FunctionBuildError('TypeScript errors in the function source', typeErrors.map((d) => describe(d, p.root)));
  const result = program.emit();
  if (result.emitSkipped || errorsOf(result.diagnostics).length > 0) {
    throw new FunctionBuildError('TypeScript could not emit the function source', errorsOf(result.diagnostics).map((d) => describe(d, p.root)));
  }
  return repositoryFiles.sort();
}

/** Every file under a folder, recursively, sorted; missing folder → none. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

function flatten(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
}

function describe(diagnostic: ts.Diagnostic, root: string): string {
  const message = flatten(diagnostic);
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${path.relative(root, diagnostic.file.fileName)}:${line + 1}:${character + 1} ${message}`;
}
