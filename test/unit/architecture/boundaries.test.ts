/**
 * The boundary between the toolkit and the pipelines built with it, checked on every import of the tree:
 * the toolkit never imports a pipeline (the example in functions/, the CDKTF app, the benchmark, the tests);
 * its deployable core imports nothing of its laptop parts; a pipeline uses the toolkit only through its public
 * entries, as a pipeline in another repository would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

/** Every .ts file under a folder, repository-relative. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}


/** The repository files a file imports (relative specifiers only), resolved like TypeScript resolves them. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  // TypeScript's own scanner: static imports, re-exports, `import()` and `require()`, not text in strings.
  for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!specifier.startsWith('.')) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const resolved = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile());
    if (!resolved) throw new Error(`${file}: cannot resolve import "${specifier}"`);
    found.push(resolved);
  }
  return found;
}

/** `from → to` for every import of the files under `dir` that breaks `allowed`. */
function violations(dir: string, allowed: (target: string) => boolean): string[] {
  return sources(dir).flatMap((file) => importsOf(file).filter((target) => !allowed(target)).map((target) => `${file} → ${target}`));
}

const under = (folder: string) => (target: string): boolean => target.startsWith(`${folder}/`);

describe('the import boundaries', () => {
  it('the toolkit imports only the toolkit', () => {
    expect(violations('toolkit', under('toolkit'))).toEqual([]);
  });

  it("the toolkit's deployable core imports nothing of its laptop parts (local runner, command line, build, CDKTF)", () => {
    expect(violations('toolkit/core', under('toolkit/core'))).toEqual([]);
  });

  it('the example pipeline uses the toolkit only through its public entry, toolkit/core/index.ts', () => {
    expect(violations('functions', (target) => under('functions')(target) || target === 'toolkit/core/index.ts')).toEqual([]);
  });

  it("the example's CDKTF app composes the toolkit's public entries and the example pipeline", () => {
    const entries = ['toolkit/infra/index.ts', 'toolkit/build/index.ts', 'functions/pipeline.ts'];
    expect(violations('cdktf', (target) => under('cdktf')(target) || entries.includes(target))).toEqual([]);
  });

  it('can fail: an import across the boundary is reported', () => {
    // The checker itself, on a known import of the example: the example's pipeline file imports its definition.
    expect(importsOf('functions/pipeline.ts')).toContain('functions/definition.ts');
    expect(violations('functions', (target) => target === 'toolkit/core/index.ts')).toContain('functions/pipeline.ts → functions/definition.ts');
  });
});
