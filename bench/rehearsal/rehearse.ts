/**
 * A deploy rehearsal without a cloud account: what `cdktf deploy` would hand Google, installed and run here.
 *
 *   1. read the synthesised stack: every function, its archive, build and service environment, push subscription
 *   2. install each distinct archive once as the Node.js buildpack does (install.ts), starting from an empty npm
 *      cache, with the network kept to the npm registry (network-guard.ts)
 *   3. on the Pub/Sub emulator: create the stack's topics and a capture subscription on each
 *   4. one function at a time, in the order its inputs become available: start it (serve.ts) with the environment
 *      the stack gives it, create its push subscription (endpoint path as in the stack), publish its inputs (the
 *      requests given for the ingress topic, or what upstream functions published), wait for its answers and
 *      its published results; then stop it and delete its subscription, so each cold start is measured alone
 *
 * What only a real deploy checks is left out: IAM, the OIDC token on push, Cloud Build itself, Cloud Run's limits.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { compileFilter } from '../../toolkit/core/filter';
import { ATTR } from '../../toolkit/core/pipeline/attributes';
import { installArchive, type InstalledArchive } from './install';
import { startNetworkGuard } from './network-guard';
import { serveFunction, type ServedFunction } from './serve';
import { readStack, resolveServiceEnv, type StackFunction, type StackPlan } from './stack';

/** A message to publish, or one a function published. */
export interface RehearsalMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A message a function published, with where it went. */
export interface PublishedMessage extends RehearsalMessage {
  readonly topic: string;
}

/** Everything measured and seen for one function. */
export interface FunctionRun {
  readonly name: string;
  readonly entryPoint: string;
  /** PIPELINE_STAGE of the function, as the stack sets it. */
  readonly stage: string;
  readonly archive: string;
  readonly archiveBytes: number;
  readonly installedBytes: number;
  readonly installCommand: 'ci' | 'install';
  readonly installMillis: number;
  readonly availableMemory: string;
  readonly availableMemoryBytes: number;
  readonly listeningMs: number;
  /** From the process's start to its first answer to a push request. */
  readonly firstAnswerMs?: number;
  /** The first push request alone: arrival to answer. */
  readonly firstRequestMs?: number;
  readonly rssAtFirstAnswerBytes?: number;
  readonly rssAtEndBytes?: number;
  /** The messages it was given. */
  readonly inputs: readonly RehearsalMessage[];
  /** HTTP status of every push request it answered. */
  readonly statuses: readonly number[];
  /** What it published (results and dead letters). */
  readonly published: readonly PublishedMessage[];
  /** Its log, for diagnosing a failure. */
  readonly output: string;
}

/** The rehearsal's result. */
export interface RehearsalResult {
  readonly stackDir: string;
  readonly project: string;
  readonly functions: readonly FunctionRun[];
  readonly installs: ReadonlyArray<Omit<InstalledArchive, 'log' | 'dir'> & { readonly buildEnv: Readonly<Record<string, string>> }>;
  /** Hosts the installs reached through the network guard (the registry's only, if all is well). */
  readonly networkAllowed: readonly string[];
  /** Requests the guard refused: downloads an install would attempt on Cloud Build. */
  readonly networkRefused: readonly string[];
  /** Functional problems; empty when the rehearsal passed. */
  readonly problems: readonly string[];
  readonly durationMillis: number;
}

/** Options of `rehearse`. */
export interface RehearsalOptions {
  readonly repoRoot: string;
  /** The synthesised stack's folder (cdktf.out/stacks/dev). */
  readonly stackDir: string;
  readonly pubsubEmulatorHost: string;
  readonly firestoreEmulatorHost: string;
  /** The requests to publish on the ingress topic (the stack's topic no function publishes to). */
  readonly ingress: { readonly topic: string; readonly requests: readonly RehearsalMessage[] };
  readonly installTimeoutMillis?: number;
  readonly answerTimeoutMillis?: number;
  readonly log?: (line: string) => void;
}

/** Runs the rehearsal; never throws for a functional problem (see `problems`), only for a broken set-up. */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const plan = readStack(options.stackDir);
  const problems: string[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-'));
  // Empty now; shared by this rehearsal's installs (install.ts says why).
  const npmCache = path.join(scratch, 'npm-cache');
  fs.mkdirSync(npmCache);
  const guard = await startNetworkGuard([registryHost()]);
  const installed = new Map<string, InstalledArchive & { buildEnv: Readonly<Record<string, string>> }>();
  const failedInstalls = new Set<string>();
  const runs: FunctionRun[] = [];
  const pubsub = new PubSub({ projectId: plan.project, apiEndpoint: options.pubsubEmulatorHost, emulatorMode: true });
  const captures: Subscription[] = [];
  try {
    // 2. One install per distinct archive and build environment.
    for (const fn of plan.functions) {
      const key = installKey(fn);
      if (installed.has(key)) continue;
      if (failedInstalls.has(key)) continue;
      log(`installing ${path.basename(fn.archivePath)} (${fn.name}'s build environment: ${JSON.stringify(fn.buildEnv)})`);
      try {
        const install = await installArchive(fn.archivePath, {
          repoRoot: options.repoRoot,
          buildEnv: fn.buildEnv,
          extraEnv: guard.env(),
          cacheDir: npmCache,
          timeoutMillis: options.installTimeoutMillis ?? 240_000,
        });
        installed.set(key, { ...install, buildEnv: fn.buildEnv });
        log(`  npm ${install.command}: ${(install.installMillis / 1000).toFixed(1)} s, ${mb(install.installedBytes)} MB installed`);
      } catch (error) {
        // As on Cloud Build: the functions built from this archive do not deploy; the others still can.
        failedInstalls.add(key);
        problems.push(`installing ${path.basename(fn.archivePath)} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (guard.refused.length > 0) problems.push(`the install tried to reach hosts other than the registry: ${[...new Set(guard.refused)].join(', ')}`);

    // 3. Topics, and a capture subscription on each to see what every function publishes.
    const published: PublishedMessage[] = [];
    for (const topic of plan.topics) {
      await ignoreExisting(pubsub.createTopic(topic));
      const [capture] = await pubsub.topic(topic).createSubscription(`rehearsal-capture-${topic}`);
      capture.on('message', (message: Message) => {
        message.ack();
        published.push({ topic, data: message.data, attributes: { ...message.attributes } });
      });
      captures.push(capture);
    }

    // 4. One function at a time, each as soon as a message for it exists.
    const available = new Map<string, RehearsalMessage[]>([[options.ingress.topic, [...options.ingress.requests]]]);
    const remaining = plan.functions.filter((fn) => installed.has(installKey(fn)));
    while (remaining.length > 0) {
      const next = remaining.findIndex((fn) => inputsFor(fn, available).length > 0);
      if (next < 0) {
        problems.push(`no message reached ${remaining.map((fn) => fn.name).join(', ')}`);
        break;
      }
      const fn = remaining.splice(next, 1)[0] as StackFunction;
      const install = installed.get(installKey(fn)) as InstalledArchive;
      const run = await runFunction(fn, {
        plan,
        install,
        inputs: inputsFor(fn, available),
        env: runtimeEnv(plan, fn, options, scratch),
        pubsub,
        published,
        answerTimeoutMillis: options.answerTimeoutMillis ?? 60_000,
        problems,
      });
      runs.push(run);
      log(`${fn.name}: listening ${ms(run.listeningMs)}, first answer ${ms(run.firstAnswerMs)}, rss ${mb(run.rssAtFirstAnswerBytes)} MB of ${fn.availableMemory}`);
      for (const message of run.published) available.set(message.topic, [...(available.get(message.topic) ?? []), message]);
    }
  } finally {
    await Promise.all(captures.map((capture) => capture.close().then(() => capture.delete()).catch(() => undefined)));
    await pubsub.close();
    await guard.close();
    for (const install of installed.values()) fs.rmSync(install.dir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return {
    stackDir: options.stackDir,
    project: plan.project,
    functions: runs,
    installs: [...installed.values()].map(({ log: _log, dir: _dir, ...rest }) => rest),
    networkAllowed: [...new Set(guard.allowed)],
    networkRefused: [...new Set(guard.refused)],
    problems,
    durationMillis: performance.now() - started,
  };
}

/** Starts a function, feeds it its inputs through its push subscription, and measures it. */
async function runFunction(
  fn: StackFunction,
  context: {
    plan: StackPlan;
    install: InstalledArchive;
    inputs: readonly RehearsalMessage[];
    env: Record<string, string>;
    pubsub: PubSub;
    published: readonly PublishedMessage[];
    answerTimeoutMillis: number;
    problems: string[];
  },
): Promise<FunctionRun> {
  const { install, inputs, pubsub, problems } = context;
  const stage = fn.serviceEnv['PIPELINE_STAGE'] ?? fn.entryPoint;
  const outputTopics = new Set(Object.values(JSON.parse(fn.serviceEnv['PIPELINE_TOPICS'] ?? '{}') as Record<string, string>));
  const seenBefore = context.published.length;
  let served: ServedFunction | undefined;
  let subscription: Subscription | undefined;
  const base = { name: fn.name, entryPoint: fn.entryPoint, stage, archive: path.basename(fn.archivePath), archiveBytes: install.archiveBytes, installedBytes: install.installedBytes };
  const runInfo = { installCommand: install.command, installMillis: install.installMillis, availableMemory: fn.availableMemory, availableMemoryBytes: fn.availableMemoryBytes };
  try {
    served = await serveFunction({ dir: install.dir, entryPoint: fn.entryPoint, env: context.env, listenTimeoutMillis: 30_000 });
    [subscription] = await pubsub.topic(fn.push.topic).createSubscription(fn.push.name, {
      pushConfig: { pushEndpoint: `${served.url}${fn.push.endpointPath}` },
      ...(fn.push.filter ? { filter: fn.push.filter } : {}),
    });
    await Promise.all(inputs.map((input) => pubsub.topic(fn.push.topic).publishMessage({ data: input.data, attributes: { ...input.attributes } })));

    // Its answers (a non-2xx answer is retried by Pub/Sub, and is a problem here), then what it published.
    const current = served;
    const answered = await until(() => current.requests.filter((r) => r.status >= 200 && r.status < 300).length >= inputs.length, context.answerTimeoutMillis);
    if (!answered) problems.push(`${fn.name}: answered ${served.requests.filter((r) => r.status < 300).length} of ${inputs.length} push requests within ${context.answerTimeoutMillis} ms`);
    const failed = served.requests.filter((r) => r.status < 200 || r.status >= 300);
    if (failed.length > 0) problems.push(`${fn.name}: answered ${failed.map((r) => r.status).join(', ')} to push requests`);
    const mine = () => context.published.slice(seenBefore).filter((m) => outputTopics.has(m.topic) && (m.attributes[ATTR.stage] === stage || m.attributes[ATTR.dlqStage] === stage));
    await until(() => mine().length >= inputs.length, 5_000);
    const first = served.requests[0];
    return {
      ...base,
      ...runInfo,
      listeningMs: served.listeningMs,
      ...(first ? { firstAnswerMs: first.answeredMs, firstRequestMs: first.answeredMs - first.arrivedMs } : {}),
      ...optional('rssAtFirstAnswerBytes', served.rssAtFirstAnswerBytes()),
      ...optional('rssAtEndBytes', served.rssBytes()),
      inputs,
      statuses: served.requests.map((r) => r.status),
      published: mine(),
      output: served.output(),
    };
  } catch (error) {
    problems.push(`${fn.name}: ${error instanceof Error ? error.message : String(error)}`);
    return { ...base, ...runInfo, listeningMs: served?.listeningMs ?? NaN, inputs, statuses: [], published: [], output: served?.output() ?? '' };
  } finally {
    await subscription?.delete().catch(() => undefined);
    await served?.stop();
  }
}

/**
 * The environment of a function's instance: the stack's service environment (references replaced as
 * `resolveServiceEnv` documents), what Cloud Run and the buildpack set on every instance, and the emulators'
 * addresses. Nothing else from this process: no NODE_PATH, no credentials, a fresh HOME.
 */
export function runtimeEnv(plan: StackPlan, fn: StackFunction, options: Pick<RehearsalOptions, 'pubsubEmulatorHost' | 'firestoreEmulatorHost'>, scratch: string): Record<string, string> {
  const home = fs.mkdtempSync(path.join(scratch, 'home-'));
  const claimCheckDir = path.join(scratch, 'claim-check');
  fs.mkdirSync(claimCheckDir, { recursive: true });
  return {
    ...resolveServiceEnv(plan, fn, { claimCheckDir }),
    // Set by Cloud Run and the Node.js buildpack on every instance of a function.
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    NODE_ENV: 'production',
    K_SERVICE: fn.name,
    K_REVISION: `${fn.name}-00001-rehearsal`,
    K_CONFIGURATION: fn.name,
    FUNCTION_TARGET: fn.entryPoint,
    FUNCTION_SIGNATURE_TYPE: 'http',
    // The emulators standing in for Pub/Sub and Firestore; no GCE metadata server here.
    PUBSUB_EMULATOR_HOST: options.pubsubEmulatorHost,
    FIRESTORE_EMULATOR_HOST: options.firestoreEmulatorHost,
    METADATA_SERVER_DETECTION: 'none',
  };
}

/** The messages available on a function's topic that its subscription's filter lets through. */
function inputsFor(fn: StackFunction, available: ReadonlyMap<string, readonly RehearsalMessage[]>): RehearsalMessage[] {
  const matches = fn.push.filter ? compileFilter(fn.push.filter) : () => true;
  return (available.get(fn.push.topic) ?? []).filter((m) => matches(m.attributes));
}

function installKey(fn: StackFunction): string {
  return `${fn.archivePath}\0${JSON.stringify(Object.entries(fn.buildEnv).sort())}`;
}

/** The npm registry's host name, as npm is configured here. */
function registryHost(): string {
  // Asked outside the repository, so that no project .npmrc has a say.
  const registry = execFileSync('npm', ['config', 'get', 'registry'], { cwd: os.tmpdir(), encoding: 'utf8' }).trim();
  return new URL(registry).hostname;
}

async function ignoreExisting(creating: Promise<unknown>): Promise<void> {
  try {
    await creating;
  } catch (error) {
    if ((error as { code?: number }).code !== 6) throw error;
  }
}

async function until(condition: () => boolean, timeoutMillis: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMillis;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : `${Math.round(value)} ms`;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 1024 ** 2).toFixed(1);
}
