import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createZip, type ZipEntry } from '../../../toolkit/build/zip';

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

describe('createZip', () => {
  it('is reproducible: the same entries in any order give the same bytes', async () => {
    const a = await createZip(entries());
    const b = await createZip([...entries()].reverse());
    expect(sha256(a)).toBe(sha256(b));
  });

  it('changes when any content changes', async () => {
    const changed = entries().map((e) => (e.name === 'package.json' ? { ...e, data: Buffer.from('{"name":"y"}\n') } : e));
    expect(sha256(await createZip(changed))).not.toBe(sha256(await createZip(entries())));
  });

  it('is read back by unzip with sorted names, fixed dates and 0644 permissions', async () => {
    const file = writeTemp(await createZip(entries()));
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

  it("is read back by Python's zipfile with identical contents", async () => {
    const file = writeTemp(await createZip(entries()));
    const script = [
      'import hashlib, json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps({i.filename: [hashlib.sha256(z.read(i)).hexdigest(), i.date_time[0], oct(i.external_attr >> 16)] for i in z.infolist()}))',
    ].join('\n');
    const read = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, [string, number, string]>;
    expect(read).toEqual(Object.fromEntries(entries().map((e) => [e.name, [sha256(e.data), 1980, '0o100644']])));
  });

  it('compresses what deflate shrinks', async () => {
    const zip = await createZip(entries());
    const plain = entries().reduce((n, e) => n + e.data.length, 0);
    expect(zip.length).toBeLessThan(plain);
  });

  it.each([
    ['', /is empty/],
    ['/etc/passwd', /is absolute/],
    ['a/../b', /\.\. segment/],
    ['a\\b', /backslash/],
  ])('refuses the entry name %j', async (name, message) => {
    await expect(createZip([{ name, data: Buffer.from('x') }])).rejects.toThrow(message);
  });

  it('refuses duplicate names', async () => {
    await expect(createZip([{ name: 'a', data: Buffer.from('1') }, { name: 'a', data: Buffer.from('2') }])).rejects.toThrow(/duplicate entry "a"/);
  });
});
