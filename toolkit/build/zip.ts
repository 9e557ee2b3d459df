/**
 * Reproducible zip archives with yazl: the same entries give the same bytes, so the archive's sha256 names its
 * content and an unchanged tree redeploys nothing.
 */
import { ZipFile } from 'yazl';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  readonly data: Buffer;
}

/**
 * Every entry's timestamp: the earliest a zip can record (1980-01-01, in the local-time MS-DOS format zip uses,
 * which yazl writes from this Date's local fields). A build's time must not leak into its bytes.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Builds a zip of `entries`, sorted by name, with fixed timestamps and modes: deterministic for a Node version. */
export async function createZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const names = new Set<string>();
  for (const entry of entries) {
    const problem = nameProblem(entry.name);
    if (problem) throw new Error(`zip: entry name "${entry.name}" ${problem}`);
    if (names.has(entry.name)) throw new Error(`zip: duplicate entry "${entry.name}"`);
    names.add(entry.name);
  }
  const zip = new ZipFile();
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    zip.addBuffer(entry.data, entry.name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true, forceDosTimestamp: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Why a name cannot be an entry (unzip would refuse it or write outside its folder), or undefined. */
function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('/')) return 'is absolute; expected a relative path';
  if (name.includes('\\')) return 'contains a backslash; expected / as the separator';
  if (name.split('/').includes('..')) return 'has a .. segment; expected a path inside the archive';
  return undefined;
}
