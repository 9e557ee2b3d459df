/**
 * docs/your-own-stage.md, followed to the letter on a copy of the project: scaffold a stage with `aipipe new
 * stage`, write the guide's files and definition edits (taken from the guide's own code blocks), run the pipeline
 * with `npm start`'s code, publish through the emulator, synthesise the stack, and check that nothing outside the
 * new stage's folder and the definition changed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PubSub } from '@google-cloud/pubsub';
import { startProcess, waitUntil, type ManagedProcess } from '../../toolkit/local/processes';
import { emulatorClient, emulatorHost, uniqueProject } from '../support/emulator';
import { firestoreEmulatorHost } from '../support/firestore';

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '../..');
const GUIDE = path.join(ROOT, 'docs/your-own-stage.md');

/** A fenced block of the guide with a `title` (the file it belongs to) and how it applies. */
interface GuideBlock {
  readonly file: string;
  readonly after?: string;
  readonly replace?: string;
  readonly code: string;
}

/** The guide's titled code blocks, in order. */
function guideBlocks(markdown: string): GuideBlock[] {
  const blocks: GuideBlock[] = [];
  for (const match of markdown.matchAll(/```ts ([^\n]*)\n([\s\S]*?)```/g)) {
    const info = match[1] as string;
    const attr = (name: string): string | undefined => new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(info)?.[1];
    const file = attr('title');
    if (!file) continue;
    blocks.push({ file, after: attr('after'), replace: attr('replace'), code: match[2] as string });
  }
  return blocks;
}

/** Applies one block: a whole file, an insertion after an anchor line, or a replacement after an anchor. */
function apply(root: string, block: GuideBlock): void {
  const file = path.join(root, block.file);
  if (block.after === undefined) {
    fs.writeFileSync(file, block.code);
    return;
  }
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(block.after);
  if (at < 0) throw new Error(`guide: "${block.after}" not found in ${block.file}`);
  const lineEnd = text.indexOf('\n', at);
  const indent = /^\s*/.exec(text.slice(text.lastIndexOf('\n', at) + 1))?.[0] ?? '';
  if (block.replace !== undefined) {
    const target = text.indexOf(block.replace, at);
    if (target < 0) throw new Error(`guide: "${block.replace}" not found after "${block.after}" in ${block.file}`);
    fs.writeFileSync(file, text.slice(0, target) + block.code.trim() + text.slice(target + block.replace.length));
    return;
  }
  const inner = `${indent}  `;
  const inserted = block.code.trimEnd().split('\n').map((line) => (line ? inner + line : line)).join('\n');
  fs.writeFileSync(file, `${text.slice(0, lineEnd + 1)}${inserted}\n${text.slice(lineEnd + 1)}`);
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' });

describe('docs/your-own-stage.md on a copy of the project', () => {
  let copy: string;
  let start: ManagedProcess | undefined;
  let pubsub: PubSub | undefined;
  const project = uniqueProject('guide');

  beforeAll(() => {
    // Prepare: the project as a user has it (tracked and new files, not what is ignored), in a git repository of
    // its own so that what the guide changes shows in `git status`.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'your-own-stage-'));
    const files = git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z').split('\0').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), 'dir');
    git(copy, 'init', '-q');
    git(copy, '-c', 'user.email=guide@example.com', '-c', 'user.name=guide', 'add', '-A');
    git(copy, '-c', 'user.email=guide@example.com', '-c', 'user.name=guide', 'commit', '-qm', 'the project');
  });

  afterAll(async () => {
    await pubsub?.close();
    await start?.stop();
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('step 1: aipipe new stage scaffolds a stage that compiles and names it in the definition', () => {
    // Act: the guide's command (npm run cli runs bin/aipipe.js).
    const out = execFileSync(process.execPath, ['bin/aipipe.js', 'new', 'stage', 'toxicity', '--consumes', 'english', '--to', 'results', '--sets', 'toxic', '--after', 'nlp'], { cwd: copy, encoding: 'utf8' });

    // Assess
    expect(out).toContain('added stage "toxicity" to functions/definition.ts');
    expect(fs.readdirSync(path.join(copy, 'functions/stages/toxicity')).sort()).toEqual(['handler.test.ts', 'handler.ts', 'index.ts', 'schema.ts']);
    expect(fs.readFileSync(path.join(copy, 'functions/definition.ts'), 'utf8')).toContain("source: './stages/toxicity'");
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: copy, encoding: 'utf8' });
  });

  it("steps 2 and 3: the guide's model and routing type-check, and only the stage folder and the definition changed", () => {
    // Act
    const blocks = guideBlocks(fs.readFileSync(GUIDE, 'utf8'));
    expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['functions/stages/toxicity/handler.ts', 'functions/stages/toxicity/index.ts', 'functions/definition.ts']));
    for (const block of blocks) apply(copy, block);

    // Assess
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: copy, encoding: 'utf8' });
    const changed = git(copy, 'status', '--porcelain', '--untracked-files=all').split('\n').filter((line) => line.length > 0).map((line) => line.slice(3)).sort();
    expect(changed).toEqual([
      'functions/definition.ts',
      'functions/stages/toxicity/handler.test.ts',
      'functions/stages/toxicity/handler.ts',
      'functions/stages/toxicity/index.ts',
      'functions/stages/toxicity/schema.ts',
    ]);
  });

  it('step 4: npm start runs the new stage; a toxic ticket comes out flagged on its own topic, a clean one with toxic=false', async () => {
    // Prepare: npm start's own code, on the test run's emulators, in the copy.
    start = startProcess('npm start (copy)', process.execPath, ['--import', 'tsx', 'toolkit/local/start.ts', '--pipeline', 'functions/pipeline.ts'], {
      cwd: copy,
      env: { ...process.env, PUBSUB_EMULATOR_HOST: emulatorHost(), FIRESTORE_EMULATOR_HOST: firestoreEmulatorHost(), GOOGLE_CLOUD_PROJECT: project, PIPELINE_PREFIX: '', DASHBOARD_PORT: 'off' },
    });
    await waitUntil('npm start', async () => start!.output().includes('Local pipeline ready'), { timeoutMillis: 240_000, process: start });
    pubsub = emulatorClient(project);
    const flagged = pubsub.subscription('ai-flagged-all');
    const results = pubsub.subscription('ai-results-all');

    // Act
    await pubsub.topic('ai-workloads-topic').publishMessage({ json: { text: 'You useless idiots broke my account again and nobody in your support team answers my emails.' }, attributes: { correlationId: 'guide-toxic' } });
    await pubsub.topic('ai-workloads-topic').publishMessage({ json: { text: 'Thanks, the new release fixed my login problem and everything works again now.' }, attributes: { correlationId: 'guide-clean' } });

    // Assess
    /** The attributes of the first message on a subscription that matches, acknowledging everything seen. */
    const seen = (subscription: typeof flagged, predicate: (attributes: Record<string, string>) => boolean): Promise<Record<string, string>> => {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          subscription.removeAllListeners('message');
          void subscription.close();
          reject(new Error(`no message on ${subscription.name} matched within 120 s; npm start printed:\n${start?.output().split('\n').slice(-40).join('\n')}`));
        }, 120_000);
        subscription.on('message', (message) => {
          message.ack();
          if (predicate(message.attributes)) {
            clearTimeout(timer);
            subscription.removeAllListeners('message');
            void subscription.close();
            resolve(message.attributes);
          }
        });
      });
    };
    const [toxic, clean] = await Promise.all([
      seen(flagged, (a) => a['correlationId'] === 'guide-toxic'),
      seen(results, (a) => a['correlationId'] === 'guide-clean' && a['stage'] === 'toxicity'),
    ]);
    expect(toxic).toMatchObject({ toxic: 'true', stage: 'toxicity' });
    expect(clean).toMatchObject({ toxic: 'false' });
  });

  it('step 5: the synthesised stack holds the new function, its push subscription and its service account', () => {
    // Act
    execFileSync(process.execPath, ['--import', 'tsx', 'cdktf/main.ts'], {
      cwd: copy,
      env: { ...process.env, GOOGLE_CLOUD_PROJECT: 'guide-project', PIPELINE_ENVIRONMENTS: 'dev', CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
      timeout: 300_000,
    });

    // Assess
    const stack = JSON.parse(fs.readFileSync(path.join(copy, 'cdktf.out/stacks/dev/cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const functions = Object.values(stack.resource['google_cloudfunctions2_function'] ?? {});
    expect(functions.map((f) => f['name'])).toContain('dev-ai-inference-toxicity');
    const subscriptions = Object.values(stack.resource['google_pubsub_subscription'] ?? {});
    expect(subscriptions.map((s) => s['name'])).toEqual(expect.arrayContaining(['dev-ai-inference-toxicity-push', 'dev-ai-flagged-all']));
    const accounts = Object.values(stack.resource['google_service_account'] ?? {}).map((a) => String(a['account_id']));
    expect(accounts.some((id) => id.includes('toxicity'))).toBe(true);
    expect(fs.existsSync(path.join(copy, '.build/functions/toxicity.zip'))).toBe(true);
  });
});
