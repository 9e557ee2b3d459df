/**
 * Installs a function archive as Google's Node.js buildpack does, outside the repository:
 *
 *   unzip into an empty directory under os.tmpdir()
 *   npm ci            when the archive ships a package-lock.json, else npm install
 *   --omit=dev        production dependencies only (NODE_ENV=production)
 *   an npm cache that was empty when the rehearsal began, the registry, and the function's build environment
 *
 * The cache is shared by the archives of one rehearsal (per-stage archives repeat most dependencies): the first
 * install downloads everything, as Cloud Build does for every function, and later ones reuse its downloads.
 *
 * Nothing from the repository can leak in: the directory is outside it, no ancestor of it holds a node_modules
 * (Node would resolve packages there), and NODE_PATH is not passed on. npm 11.19's `allowScripts` policy can skip
 * dependencies' install scripts; the buildpack's npm runs them all, so the rehearsal allows them all
 * (--dangerously-allow-all-scripts), which is what makes a build environment variable such as
 * ONNXRUNTIME_NODE_INSTALL matter here as it does on Cloud Build.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import extract from 'extract-zip';

/** Raised when an archive cannot be installed; `log` holds npm's output. */
export class ArchiveInstallError extends Error {
  readonly log: string;

  constructor(message: string, log = '') {
    super(log ? `${message}\n${log.split('\n').slice(-40).join('\n')}` : message);
    this.name = 'ArchiveInstallError';
    this.log = log;
  }
}

/** An installed archive. */
export interface InstalledArchive {
  readonly archivePath: string;
  /** Where it was unpacked and installed. */
  readonly dir: string;
  readonly archiveBytes: number;
  /** `du` of the directory after the install. */
  readonly installedBytes: number;
  /** `npm ci` or `npm install`. */
  readonly command: 'ci' | 'install';
  readonly installMillis: number;
  /** npm's output, install scripts' included. */
  readonly log: string;
}

/** Options of `installArchive`. */
export interface InstallOptions {
  /** The repository root, which the install must stay out of. */
  readonly repoRoot: string;
  /** The function's build environment variables (`build_config.environment_variables`). */
  readonly buildEnv: Readonly<Record<string, string>>;
  /** Extra variables, e.g. a proxy that keeps the install to the registry. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** npm's cache folder, outside the repository; the caller creates it empty and removes it. */
  readonly cacheDir: string;
  readonly timeoutMillis: number;
}

/** Variables of this process that an install may see: what npm needs to find itself, its config and the CA. */
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS'];

/** Unpacks and installs an archive; the caller removes `dir` when done. */
export async function installArchive(archivePath: string, options: InstallOptions): Promise<InstalledArchive> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-app-'));
  assertIsolated(dir, options.repoRoot);
  const cache = options.cacheDir;
  try {
    await extract(archivePath, { dir });
    const command = fs.existsSync(path.join(dir, 'package-lock.json')) ? 'ci' : 'install';
    const env: Record<string, string> = {};
    for (const key of PASSED_THROUGH) if (process.env[key] !== undefined) env[key] = process.env[key] as string;
    Object.assign(env, options.buildEnv, options.extraEnv, { NODE_ENV: 'production', npm_config_cache: cache });
    if ('NODE_PATH' in env) throw new ArchiveInstallError('NODE_PATH would reach the install; the build environment must not set it');

    const started = performance.now();
    const log = await run('npm', [command, '--omit=dev', '--no-audit', '--no-fund', '--foreground-scripts', '--dangerously-allow-all-scripts'], {
      cwd: dir,
      env,
      timeoutMillis: options.timeoutMillis,
    });
    const installMillis = performance.now() - started;
    return {
      archivePath,
      dir,
      archiveBytes: fs.statSync(archivePath).size,
      installedBytes: Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]),
      command,
      installMillis,
      log,
    };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Refuses a directory inside the repository, or one that Node's resolution would lead to a node_modules above. */
function assertIsolated(dir: string, repoRoot: string): void {
  const relative = path.relative(path.resolve(repoRoot), dir);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) throw new ArchiveInstallError(`${dir} is inside the repository ${repoRoot}`);
  for (let up = path.dirname(dir); ; up = path.dirname(up)) {
    if (fs.existsSync(path.join(up, 'node_modules'))) throw new ArchiveInstallError(`${path.join(up, 'node_modules')} exists: packages there would leak into the install at ${dir}`);
    if (path.dirname(up) === up) break;
  }
}

/** Runs a command in its own process group; resolves with its output, rejects on failure or timeout. */
function run(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMillis: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new ArchiveInstallError(`npm ${args[0]} did not finish within ${options.timeoutMillis} ms`, log));
    }, options.timeoutMillis);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ArchiveInstallError(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(log);
      else reject(new ArchiveInstallError(`npm ${args[0]} failed with exit code ${code}`, log));
    });
  });
}
