/**
 * A small, reproducible zip writer on `node:zlib`: the same entries always give the same bytes, so the archive's
 * sha256 changes only when its content does (the CDKTF stack names the uploaded object after that hash).
 *
 * Reproducible means: entries sorted by name, a fixed timestamp (1980-01-01 00:00, the earliest a zip can hold),
 * fixed permissions (0644 regular files), no extra fields, no comments, deflate at a fixed level. No ZIP64: the
 * function source is a few hundred KB, and the writer refuses anything that would need it.
 */
import { deflateRawSync } from 'node:zlib';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative (no leading `/`, no `..`). */
  readonly name: string;
  readonly data: Buffer;
}

/** Zip's format limits without ZIP64. */
const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;

/** MS-DOS date of 1980-01-01 (year 0 = 1980, month 1, day 1); time 00:00:00 is 0. */
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
/** "Version made by": upper byte 3 = Unix, so that `external attributes` carry Unix permissions; lower 20 = 2.0. */
const MADE_BY_UNIX = (3 << 8) | 20;
/** Version needed to extract: 2.0 (deflate). */
const VERSION_NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 1 << 11;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** Regular file, rw-r--r--, in the upper 16 bits of the external attributes. */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zip and gzip use it). Node 20 has no `zlib.crc32`, so this is the classic table form. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc = (CRC_TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Why this entry name cannot go into an archive, or `undefined` if it can. */
function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('/')) return 'is absolute';
  if (name.includes('\\')) return 'contains a backslash; use /';
  if (name.split('/').some((part) => part === '..' || part === '.' || part === '')) return 'has an empty, . or .. segment';
  return undefined;
}

/**
 * Builds a zip archive from the entries. Throws on duplicate or unsafe names and on archives that would need
 * ZIP64. The order of `entries` does not matter: they are sorted by name (byte order of the UTF-8 name).
 */
export function createZip(entries: readonly ZipEntry[], options: { readonly level?: number } = {}): Buffer {
  const level = options.level ?? 9;
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  if (sorted.length > MAX_ENTRIES) throw new Error(`zip: ${sorted.length} entries; at most ${MAX_ENTRIES} without ZIP64`);

  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  let previous: string | undefined;
  for (const entry of sorted) {
    const problem = nameProblem(entry.name);
    if (problem) throw new Error(`zip: entry name "${entry.name}" ${problem}`);
    if (entry.name === previous) throw new Error(`zip: duplicate entry "${entry.name}"`);
    previous = entry.name;
    if (entry.data.length > MAX_BYTES) throw new Error(`zip: entry "${entry.name}" is larger than 4 GiB`);

    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const deflated = deflateRawSync(entry.data, { level });
    // Store when deflate does not help (tiny or already compressed files): smaller, and still deterministic.
    const method = deflated.length < entry.data.length ? METHOD_DEFLATE : METHOD_STORE;
    const body = method === METHOD_DEFLATE ? deflated : entry.data;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME_MIDNIGHT, 10);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME_MIDNIGHT, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(UNIX_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
    if (offset > MAX_BYTES) throw new Error('zip: archive is larger than 4 GiB; ZIP64 is not supported');
  }

  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...locals, centralDirectory, end]);
}
