import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, createZip, type ZipEntry } from '../../../scripts/zip';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A mix of compressible, incompressible, empty, nested and non-ASCII entries. */
function entries(): ZipEntry[] {
  return [
    { name: 'functions/index.js', data: Buffer.from('"use strict";\n'.repeat(200)) },
    { name: 'package.json', data: Buffer.from('{"name":"x"}\n') },
    { name: 'functions/empty.js', data: Buffer.alloc(0) },
    { name: 'functions/data/random.bin', data: createHash('sha512').update('seed').digest() },
    { name: 'functions/données.json', data: Buffer.from('{"é":1}') },
  ];
}

function writeTemp(zip: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zip-test-')), 'archive.zip');
  fs.writeFileSync(file, zip);
  return file;
}

describe('crc32', () => {
  it('matches the standard check value and known vectors', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('createZip', () => {
  it('is reproducible: the same entries in any order give the same bytes', () => {
    const a = createZip(entries());
    const b = createZip([...entries()].reverse());
    expect(sha256(a)).toBe(sha256(b));
  });

  it('changes when any content changes', () => {
    const changed = entries().map((e) => (e.name === 'package.json' ? { ...e, data: Buffer.from('{"name":"y"}\n') } : e));
    expect(sha256(createZip(changed))).not.toBe(sha256(createZip(entries())));
  });

  it('is read back by unzip with sorted names, fixed dates and 0644 permissions', () => {
    const file = writeTemp(createZip(entries()));
    execFileSync('unzip', ['-tq', file]);
    const listing = execFileSync('zipinfo', [file], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('-'));
    expect(listing).toHaveLength(5);
    for (const line of listing) expect(line).toMatch(/^-rw-r--r-- .* 80-Jan-01 00:00 /);
    expect(listing.map((line) => line.split(/\s+/).slice(8).join(' '))).toEqual([
      'functions/data/random.bin',
      'functions/donn\u00e9es.json',
      'functions/empty.js',
      'functions/index.js',
      'package.json',
    ]);
  });

  it("is read back by Python's zipfile with identical contents", () => {
    const file = writeTemp(createZip(entries()));
    const script = [
      'import hashlib, json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps({i.filename: [hashlib.sha256(z.read(i)).hexdigest(), i.date_time[0], oct(i.external_attr >> 16)] for i in z.infolist()}))',
    ].join('\n');
    const read = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, [string, number, string]>;
    expect(read).toEqual(Object.fromEntries(entries().map((e) => [e.name, [sha256(e.data), 1980, '0o100644']])));
  });

  it('compresses what deflate shrinks and stores the rest', () => {
    const zip = createZip(entries());
    const plain = entries().reduce((n, e) => n + e.data.length, 0);
    expect(zip.length).toBeLessThan(plain);
  });

  it.each([
    ['', /is empty/],
    ['/etc/passwd', /is absolute/],
    ['a/../b', /\.\. segment/],
    ['a\\b', /backslash/],
  ])('refuses the entry name %j', (name, message) => {
    expect(() => createZip([{ name, data: Buffer.from('x') }])).toThrow(message);
  });

  it('refuses duplicate names', () => {
    expect(() => createZip([{ name: 'a', data: Buffer.from('1') }, { name: 'a', data: Buffer.from('2') }])).toThrow(/duplicate entry "a"/);
  });
});
