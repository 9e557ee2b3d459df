/**
 * Reads what a synthesised stack deploys (`cdktf.out/stacks/<env>/cdk.tf.json`): every Cloud Function with its
 * build and service settings, the archive it is built from, and the push subscription that feeds it. Nothing here
 * knows the example pipeline: it reads the Terraform JSON as Google would receive it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A resource body of the synthesised JSON. */
type Body = Record<string, unknown>;

/** The parts of cdk.tf.json read here. */
interface StackJson {
  readonly resource?: Record<string, Record<string, Body>>;
  readonly provider?: { readonly google?: ReadonlyArray<{ readonly project?: string }> };
}

/** The push subscription that feeds a function. */
export interface StackPushSubscription {
  readonly name: string;
  readonly topic: string;
  /** The push endpoint's path after the function's URL, `/projects/<project>/topics/<topic>`. */
  readonly endpointPath: string;
  readonly filter?: string;
}

/** A `google_cloudfunctions2_function` as the stack declares it. */
export interface StackFunction {
  /** Logical id in the stack. */
  readonly id: string;
  /** The function's name in Google Cloud (Cloud Run sets it as K_SERVICE). */
  readonly name: string;
  readonly entryPoint: string;
  readonly runtime: string;
  /** `build_config.environment_variables`: what the build (npm's install scripts) sees. */
  readonly buildEnv: Readonly<Record<string, string>>;
  /** `service_config.environment_variables`, as declared (may hold `${...}` references). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** `service_config.available_memory`, e.g. `512Mi`. */
  readonly availableMemory: string;
  readonly availableMemoryBytes: number;
  /** Absolute path of the zip it is built from. */
  readonly archivePath: string;
  readonly push: StackPushSubscription;
}

/** What a stack deploys, as far as a rehearsal needs it. */
export interface StackPlan {
  readonly stackDir: string;
  readonly project: string;
  /** Every topic name. */
  readonly topics: readonly string[];
  readonly functions: readonly StackFunction[];
  /** The parsed JSON, for resolving references (`resolveServiceEnv`). */
  readonly json: StackJson;
}

/** Raised when the stack does not have the shape a deploy needs; the message names the resource. */
export class StackReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackReadError';
  }
}

const WHOLE_REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)(\[0\]\.[a-z0-9_]+)?\}/;

/** A parsed `${type.id.attribute}` reference at the start of a string, and what follows it. */
interface Reference {
  readonly type: string;
  readonly id: string;
  readonly attribute: string;
  readonly rest: string;
}

function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = WHOLE_REFERENCE.exec(value);
  if (!match) return undefined;
  return { type: match[1] as string, id: match[2] as string, attribute: `${match[3]}${match[4] ?? ''}`, rest: value.slice(match[0].length) };
}

function resource(json: StackJson, type: string, id: string, from: string): Body {
  const body = json.resource?.[type]?.[id];
  if (!body) throw new StackReadError(`${from} refers to ${type}.${id}, which the stack does not declare`);
  return body;
}

function text(body: Body, key: string, from: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new StackReadError(`${from}: expected a string ${key}, got ${JSON.stringify(value)}`);
  return value;
}

function object(body: Body, key: string): Body {
  const value = body[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
}

function stringRecord(value: Body, from: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (typeof v !== 'string') throw new StackReadError(`${from}.${k}: expected a string, got ${JSON.stringify(v)}`);
      return [k, v];
    }),
  );
}

/** `512Mi`, `1Gi`, `2G`, `256M` → bytes, as Cloud Run reads them. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (!match) throw new StackReadError(`available_memory "${quantity}" is not a memory quantity such as 512Mi`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9, '': 1 }[match[2] ?? ''] as number;
  return Math.round(Number(match[1]) * unit);
}

/** Reads a synthesised stack's folder (the one holding cdk.tf.json). */
export function readStack(stackDir: string): StackPlan {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const project = json.provider?.google?.[0]?.project;
  if (!project) throw new StackReadError('the stack has no google provider with a project');
  const topicNames = Object.fromEntries(
    Object.entries(json.resource?.['google_pubsub_topic'] ?? {}).map(([id, body]) => [id, text(body, 'name', `google_pubsub_topic.${id}`)]),
  );
  const subscriptions = Object.entries(json.resource?.['google_pubsub_subscription'] ?? {});

  const functions = Object.entries(json.resource?.['google_cloudfunctions2_function'] ?? {}).map(([id, body]): StackFunction => {
    const from = `google_cloudfunctions2_function.${id}`;
    const build = object(body, 'build_config');
    const service = object(body, 'service_config');

    // build_config.source.storage_source.object → the bucket object → the zip it uploads (relative to the stack).
    const objectRef = parseReference(object(object(build, 'source'), 'storage_source')['object']);
    if (!objectRef || objectRef.type !== 'google_storage_bucket_object' || objectRef.rest !== '') {
      throw new StackReadError(`${from}: build_config.source.storage_source.object is not a \${google_storage_bucket_object.X.name} reference`);
    }
    const source = text(resource(json, objectRef.type, objectRef.id, from), 'source', `google_storage_bucket_object.${objectRef.id}`);
    const archivePath = path.resolve(stackDir, source);
    if (!fs.existsSync(archivePath)) throw new StackReadError(`${from}: its archive ${source} is not in ${stackDir}`);

    // The push subscription whose endpoint is this function's URL.
    const feeding = subscriptions.filter(([, sub]) => {
      const ref = parseReference(object(sub, 'push_config')['push_endpoint']);
      return ref?.type === 'google_cloudfunctions2_function' && ref.id === id;
    });
    if (feeding.length !== 1) throw new StackReadError(`${from}: expected one push subscription to its URL, found ${feeding.length}`);
    const [subId, sub] = feeding[0] as [string, Body];
    const endpoint = parseReference(object(sub, 'push_config')['push_endpoint']) as Reference;
    const topicRef = parseReference(sub['topic']);
    const topic = topicRef?.type === 'google_pubsub_topic' ? topicNames[topicRef.id] : undefined;
    if (!topic) throw new StackReadError(`google_pubsub_subscription.${subId}: its topic is not a topic of the stack`);
    const filter = typeof sub['filter'] === 'string' ? sub['filter'] : undefined;

    const availableMemory = text(service, 'available_memory', from);
    return {
      id,
      name: text(body, 'name', from),
      entryPoint: text(build, 'entry_point', from),
      runtime: text(build, 'runtime', from),
      buildEnv: stringRecord(object(build, 'environment_variables'), `${from}.build_config.environment_variables`),
      serviceEnv: stringRecord(object(service, 'environment_variables'), `${from}.service_config.environment_variables`),
      availableMemory,
      availableMemoryBytes: memoryBytes(availableMemory),
      archivePath,
      push: { name: text(sub, 'name', `google_pubsub_subscription.${subId}`), topic, endpointPath: endpoint.rest, ...(filter ? { filter } : {}) },
    };
  });
  if (functions.length === 0) throw new StackReadError(`${stackDir}/cdk.tf.json declares no google_cloudfunctions2_function`);
  return { stackDir, project, topics: Object.values(topicNames), functions, json };
}

/** The local stand-ins the rehearsal offers for what only exists once deployed. */
export interface LocalEquivalents {
  /** A directory for claim-check payloads (the local runner's CLAIM_CHECK_DIR). */
  readonly claimCheckDir: string;
}

/**
 * How each kind of `${...}` reference in a function's environment is replaced locally. Terraform fills these in
 * at apply time; locally:
 *
 * | Referenced resource            | Locally                                                                    |
 * |--------------------------------|----------------------------------------------------------------------------|
 * | `google_firestore_database`    | its `name`, served by the Firestore emulator (FIRESTORE_EMULATOR_HOST)     |
 * | `google_storage_bucket`        | the variable is dropped and CLAIM_CHECK_DIR set to a local directory: no   |
 * |                                | Cloud Storage here, and the local runner keeps claim checks in a directory |
 *
 * Any other reference fails the rehearsal, naming it, so a new one gets a stand-in on purpose, not by accident.
 */
export function resolveServiceEnv(plan: StackPlan, fn: StackFunction, local: LocalEquivalents): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.serviceEnv)) {
    if (!value.includes('${')) {
      env[key] = value;
      continue;
    }
    const ref = parseReference(value);
    if (ref && ref.rest === '' && ref.type === 'google_firestore_database' && ref.attribute === 'name') {
      env[key] = text(resource(plan.json, ref.type, ref.id, fn.name), 'name', `${ref.type}.${ref.id}`);
    } else if (ref && ref.rest === '' && ref.type === 'google_storage_bucket' && key === 'CLAIM_CHECK_BUCKET') {
      env['CLAIM_CHECK_DIR'] = local.claimCheckDir;
    } else {
      throw new StackReadError(`${fn.name}: no local equivalent for ${key}=${value}; add one to resolveServiceEnv (bench/rehearsal/stack.ts)`);
    }
  }
  return env;
}
