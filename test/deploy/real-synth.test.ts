/**
 * The real deploy path, as `npm run synth` takes it: `cdktf synth` builds the function source from this working
 * tree (not a fixture) and writes both stacks with it (not a stand-in zip). A deployed import of laptop-only code,
 * a type error or missing declaration, or a package the code requires that the archive's package.json does not
 * declare fails here. The archive is then installed and run by rehearsal.test.ts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import extract from 'extract-zip';
import { readStack } from '../../bench/rehearsal/stack';
import { synthesiseReal, type RealSynth } from '../../bench/rehearsal/synth';

jest.setTimeout(240_000);

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Every file under a folder, relative, sorted. */
function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), base) : [path.relative(base, path.join(dir, entry.name))]))
    .sort();
}

/** The package a bare specifier names (`@scope/name/x` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

describe('npm run synth on the real tree', () => {
  let synth: RealSynth;
  let outDir: string;
  const unpacked = new Map<string, string>();

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-synth-'));
    synth = await synthesiseReal({ repoRoot: REPO_ROOT, outDir, project: 'real-synth-project', timeoutMillis: 180_000 });
  });

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
    for (const dir of unpacked.values()) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Each distinct archive a stack deploys, unpacked once. */
  async function archivesOf(stack: string): Promise<Array<{ archivePath: string; dir: string }>> {
    const plan = readStack(path.join(outDir, 'stacks', stack));
    const result = [];
    for (const archivePath of new Set(plan.functions.map((fn) => fn.archivePath))) {
      if (!unpacked.has(archivePath)) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-synth-archive-'));
        await extract(archivePath, { dir });
        unpacked.set(archivePath, dir);
      }
      result.push({ archivePath, dir: unpacked.get(archivePath) as string });
    }
    return result;
  }

  it('writes both stacks, every function built from an archive of the stack', () => {
    // Assess
    expect(synth.stacks).toEqual(['dev', 'prod']);
    for (const stack of synth.stacks) {
      const plan = readStack(path.join(outDir, 'stacks', stack));
      expect(plan.functions.length).toBeGreaterThan(0);
      for (const fn of plan.functions) expect(fs.statSync(fn.archivePath).size).toBeGreaterThan(0);
    }
  });

  it.each(['dev', 'prod'])('%s: each archive is uploaded under its own sha256 (a changed build redeploys)', (stack) => {
    // Prepare
    const json = JSON.parse(fs.readFileSync(path.join(outDir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, { name: string; source: string }>>;
    };

    // Act
    const objects = Object.values(json.resource['google_storage_bucket_object'] ?? {});

    // Assess
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const sha256 = createHash('sha256').update(fs.readFileSync(path.join(outDir, 'stacks', stack, object.source))).digest('hex');
      expect(object.name).toContain(sha256);
    }
  });

  it.each(['dev', 'prod'])('%s: each archive holds compiled code whose every required package its package.json declares, at the locked version', async (stack) => {
    // Prepare
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const rootPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const builtins = new Set(builtinModules);

    for (const { dir } of await archivesOf(stack)) {
      // Act
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
      const files = listFiles(dir);
      const required = new Set<string>();
      const missingFiles: string[] = [];
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        const source = fs.readFileSync(path.join(dir, file), 'utf8');
        // require("x") and require.resolve("x/..."): a model file read from a package needs the package too.
        for (const match of source.matchAll(/\brequire(?:\.resolve)?\(\s*["']([^"']+)["']/g)) {
          const specifier = match[1] as string;
          if (specifier.startsWith('.')) {
            const target = path.resolve(path.dirname(path.join(dir, file)), specifier);
            if (![target, `${target}.js`, `${target}.json`, path.join(target, 'index.js')].some((t) => fs.existsSync(t) && fs.statSync(t).isFile())) missingFiles.push(`${file} → ${specifier}`);
          } else if (!specifier.startsWith('node:') && !builtins.has(packageOf(specifier))) {
            required.add(packageOf(specifier));
          }
        }
      }

      // Assess
      expect(fs.existsSync(path.join(dir, pkg.main))).toBe(true);
      expect(files.filter((f) => f.endsWith('.ts') || /(^|\/)test\//.test(f))).toEqual([]);
      expect(missingFiles).toEqual([]);
      expect([...required].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
      expect(Object.keys(pkg.dependencies).filter((name) => name in rootPackage.devDependencies)).toEqual([]);
      for (const [name, version] of Object.entries(pkg.dependencies)) expect(`${name}@${version}`).toBe(`${name}@${lock.packages[`node_modules/${name}`]?.version}`);
    }
  });
});
