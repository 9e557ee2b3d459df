/**
 * `npm run rehearse`: the deploy rehearsal (bench/rehearsal/) with its figures.
 *
 *   synthesise the app as `npm run synth` does (into a temporary folder), or read `--stack <dir>`
 *   start the Pub/Sub and Firestore emulators (or use PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST if they answer)
 *   install, start and push to every function of the dev stack; check what each published
 *   print the table, write bench/rehearsal.json and bench/rehearsal.md
 *
 * Exits 1 on any functional problem; the cold-start and memory targets are reported, not enforced.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFirestoreEmulator } from '../toolkit/local/firestore-emulator';
import { startPubSubEmulator } from '../toolkit/local/pubsub-emulator';
import { checkExample, rehearsalIngress } from './rehearsal/example';
import { rehearsalFigures, renderTable, writeFigures } from './rehearsal/report';
import { rehearse } from './rehearsal/rehearse';
import { readStack } from './rehearsal/stack';
import { synthesiseReal } from './rehearsal/synth';

const REPO_ROOT = path.resolve(__dirname, '..');

async function main(argv: readonly string[]): Promise<number> {
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  const stackFlag = argv.indexOf('--stack');
  let stackDir = stackFlag >= 0 ? path.resolve(argv[stackFlag + 1] ?? '') : undefined;
  let synthMillis: number | undefined;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-synth-'));
  const [pubsub, firestore] = await Promise.all([
    startPubSubEmulator({ hostPort: process.env['PUBSUB_EMULATOR_HOST'], javaOptions: '-Xmx512m' }),
    startFirestoreEmulator({ hostPort: process.env['FIRESTORE_EMULATOR_HOST'], javaOptions: '-Xmx512m' }),
  ]);
  try {
    if (!stackDir) {
      console.log('synthesising (cdktf synth, the real function source)…');
      const synth = await synthesiseReal({ repoRoot: REPO_ROOT, outDir, project: process.env['GOOGLE_CLOUD_PROJECT'] || 'rehearsal-project', timeoutMillis: 180_000 });
      synthMillis = synth.durationMillis;
      stackDir = path.join(outDir, 'stacks', 'dev');
    }
    const result = await rehearse({
      repoRoot: REPO_ROOT,
      stackDir,
      pubsubEmulatorHost: pubsub.hostPort,
      firestoreEmulatorHost: firestore.hostPort,
      ingress: await rehearsalIngress(readStack(stackDir)),
      log: (line) => console.log(line),
    });
    const problems = [...result.problems, ...checkExample(result.functions)];
    const figures = rehearsalFigures({ ...result, problems }, synthMillis === undefined ? {} : { synthMillis });
    console.log(`\n${renderTable(figures)}`);
    const written = writeFigures(figures, path.join(REPO_ROOT, 'bench'));
    console.log(`wrote ${path.relative(process.cwd(), written.json)} and ${path.relative(process.cwd(), written.markdown)}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([pubsub.stop(), firestore.stop()]);
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
