/**
 * The lock file of a function archive, cut from the repository's own package-lock.json: exactly the versions the
 * repository installs and tests, for the archive's dependencies and everything they need, so that Google's
 * buildpack (`npm ci` when a lock file is present) installs a reproducible tree without asking the registry to
 * resolve anything.
 */

/** One entry of a lockfile v3 `packages` map. */
interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  readonly peer?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly [field: string]: unknown;
}

/** The parts of a package-lock.json (lockfileVersion 2 or 3) this reads. */
export interface PackageLock {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** Raised when the repository's lock file cannot supply a dependency the archive needs. */
export class ArchiveLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveLockError';
  }
}

/**
 * Where Node's resolution finds `name` from the package installed at `from` (a `packages` key; `''` is the
 * root): `from/node_modules/name`, then each enclosing node_modules, then the top level.
 */
function locate(lock: PackageLock, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * A lockfile v3 for an archive whose package.json has `dependencies` (exact versions from the root): the root
 * lock's entries reachable from them (dependencies, non-optional peers, and optional dependencies the root
 * installed), with the development flags cleared, since everything here is a production dependency.
 */
export function archiveLock(rootLock: PackageLock, archive: { name: string; version: string; dependencies: Readonly<Record<string, string>> }): Record<string, unknown> {
  if (rootLock.lockfileVersion < 2) throw new ArchiveLockError(`package-lock.json has lockfileVersion ${rootLock.lockfileVersion}; expected 2 or 3 (npm 7 or later)`);
  const kept = new Map<string, LockEntry>();
  const visit = (from: string, name: string, required: boolean): void => {
    const at = locate(rootLock, from, name);
    if (!at) {
      if (required) throw new ArchiveLockError(`package-lock.json has no "${name}" (needed from ${from || 'the archive'}); run npm install`);
      return;
    }
    if (kept.has(at)) return;
    const entry = rootLock.packages[at] as LockEntry;
    if (entry.link) throw new ArchiveLockError(`"${name}" is a linked package (${at}); an archive can only hold registry packages`);
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    kept.set(at, rest);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, true);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(at, dep, !entry.peerDependenciesMeta?.[dep]?.optional);
  };
  for (const name of Object.keys(archive.dependencies)) visit('', name, true);
  const packages: Record<string, unknown> = {
    '': { name: archive.name, version: archive.version, dependencies: archive.dependencies },
  };
  for (const key of [...kept.keys()].sort()) packages[key] = kept.get(key);
  return { name: archive.name, version: archive.version, lockfileVersion: 3, requires: true, packages };
}
