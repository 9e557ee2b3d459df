import { filterAttributeKeys, parseFilter } from '../filter';
import { ATTRIBUTE_KEYS } from './attributes';
import { DEFAULTS, FUNCTION_LIMITS, PUBSUB_LIMITS } from './defaults';
import { durationSeconds } from './durations';
import { DefinitionError } from './errors';
import { attributeKeyProblem, FUNCTION_NAME, kebab, LABEL_KEY, LABEL_VALUE, PREFIX, prefixed, pubsubNameProblem } from './names';
import type {
  CompiledDeadLetterPolicy,
  CompiledRoute,
  CompiledStage,
  CompiledSubscription,
  CompiledTopic,
  CompiledTopology,
  CompileOptions,
  DeliveryMode,
  TopicRole,
} from './topology';
import { DELIVERY_MODES } from './topology';
import type { DurationString, PipelineDefinition, SubscriptionSettings } from './types';

/** Key of the push subscription that feeds a stage. */
export function pushSubscriptionKey(stageKey: string): string {
  return `${stageKey}Push`;
}

/** Key of the pull subscription that feeds a stage run by a pull worker (`delivery: 'pull'`). */
export function pullSubscriptionKey(stageKey: string): string {
  return `${stageKey}Pull`;
}

/** GCP project ids: 6..30 chars; the emulator accepts any, but a name that fails here would fail at deploy. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * Compiles a pipeline definition into a topology with concrete names, filters and dead-letter wiring.
 *
 * This is the only place that makes resource names. It rejects an invalid definition with a `DefinitionError`
 * that lists every problem: unknown topics, cycles, unconsumed non-terminal topics, filters that do not parse or
 * exceed 256 bytes, attribute names Pub/Sub would refuse or the pipeline does not know, settings outside
 * Google's limits and ack deadlines shorter than the stage's timeout.
 */
export function compileTopology(definition: PipelineDefinition, options: CompileOptions): CompiledTopology {
  const problems: string[] = [];
  const prefix = options.prefix ?? '';
  const { project } = options;
  if (!PROJECT_ID.test(project)) {
    problems.push(`project "${project}": expected a Google Cloud project id (6..30 lowercase letters, digits, hyphens)`);
  }
  if (!PREFIX.test(prefix)) {
    problems.push(`prefix "${prefix}": expected up to 20 lowercase letters, digits and hyphens, starting with a letter`);
  }
  const labels = { ...(definition.labels ?? {}), ...(options.labels ?? {}) };
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_KEY.test(key)) problems.push(`label key "${key}": expected lowercase letters, digits, _ and -, starting with a letter`);
    if (!LABEL_VALUE.test(value)) problems.push(`label "${key}" value "${value}": expected up to 63 lowercase letters, digits, _ and -`);
  }

  const topicKeys = new Set(Object.keys(definition.topics));
  const checkTopic = (where: string, key: string): boolean => {
    if (topicKeys.has(key)) return true;
    problems.push(`${where}: unknown topic "${key}" (known topics: ${[...topicKeys].join(', ')})`);
    return false;
  };
  // Filters may use the toolkit's attributes, those publishers set (the definition's `attributes`) and those any
  // stage declares it sets. Anything else is a typo: Pub/Sub would accept the filter and match nothing.
  const knownAttributes = new Set<string>([
    ...ATTRIBUTE_KEYS,
    ...Object.keys(definition.attributes ?? {}),
    ...Object.values(definition.stages).flatMap((stage) => Object.keys(stage.sets ?? {})),
  ]);
  const checkFilter = (where: string, filter: string | undefined): string => {
    if (filter === undefined || filter.trim() === '') return '';
    try {
      const ast = parseFilter(filter);
      for (const key of filterAttributeKeys(ast)) {
        const keyProblem = attributeKeyProblem(key);
        if (keyProblem) problems.push(`${where}: attribute "${key}" ${keyProblem}`);
        else if (!knownAttributes.has(key)) {
          problems.push(
            `${where}: filter uses attribute "${key}", which neither a publisher (the definition's "attributes") nor a stage ("sets") declares (known: ${[...knownAttributes].join(', ')})`,
          );
        }
      }
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
    return filter;
  };
  const checkDuration = (where: string, value: string, min: number, max: number): DurationString => {
    const secs = durationSeconds(value);
    if (secs === undefined) problems.push(`${where}: "${value}" is not a duration; expected seconds like "600s"`);
    else if (secs < min || secs > max) problems.push(`${where}: ${value} is outside ${min}s..${max}s`);
    return value as DurationString;
  };
  const checkRange = (where: string, value: number, range: { min: number; max: number }): number => {
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      problems.push(`${where}: ${value} is outside ${range.min}..${range.max}`);
    }
    return value;
  };

  checkTopic('ingress', definition.ingress);
  checkTopic('deadLetter', definition.deadLetter);
  const deliveryOf = checkDelivery(definition, options.delivery, problems);

  // Topics.
  const role = (key: string): TopicRole => {
    if (key === definition.ingress) return 'ingress';
    if (key === definition.deadLetter) return 'deadLetter';
    return definition.topics[key]?.terminal ? 'terminal' : 'internal';
  };
  const topics: Record<string, CompiledTopic> = {};
  const resourceNames = new Map<string, string>();
  const claimName = (kind: string, name: string, owner: string): void => {
    const existing = resourceNames.get(`${kind}:${name}`);
    if (existing) problems.push(`${owner}: ${kind} name "${name}" is already used by ${existing}`);
    resourceNames.set(`${kind}:${name}`, owner);
  };
  for (const [key, spec] of Object.entries(definition.topics)) {
    const name = prefixed(prefix, spec.name);
    const nameProblem = pubsubNameProblem(name);
    if (nameProblem) problems.push(`topic "${key}" name "${name}": ${nameProblem}`);
    claimName('topic', name, `topic "${key}"`);
    const retention = spec.messageRetentionDuration ?? DEFAULTS.topicMessageRetentionDuration;
    topics[key] = {
      key,
      name,
      path: `projects/${project}/topics/${name}`,
      description: spec.description,
      role: role(key),
      messageRetentionDuration: checkDuration(`topic "${key}" messageRetentionDuration`, retention, PUBSUB_LIMITS.topicMessageRetentionSeconds.min, PUBSUB_LIMITS.topicMessageRetentionSeconds.max),
      labels,
    };
  }
  const deadLetterTopic = topics[definition.deadLetter];

  // Stages and their push subscriptions.
  const stages: Record<string, CompiledStage> = {};
  const subscriptions: Record<string, CompiledSubscription> = {};
  const settings = (where: string, s: SubscriptionSettings | undefined, ackFloor: number) => {
    const ackDeadlineSeconds = checkRange(`${where} ackDeadlineSeconds`, s?.ackDeadlineSeconds ?? Math.max(ackFloor, PUBSUB_LIMITS.ackDeadlineSeconds.min), PUBSUB_LIMITS.ackDeadlineSeconds);
    const minimumBackoff = checkDuration(`${where} minimumBackoff`, s?.minimumBackoff ?? DEFAULTS.minimumBackoff, PUBSUB_LIMITS.backoffSeconds.min, PUBSUB_LIMITS.backoffSeconds.max);
    const maximumBackoff = checkDuration(`${where} maximumBackoff`, s?.maximumBackoff ?? DEFAULTS.maximumBackoff, PUBSUB_LIMITS.backoffSeconds.min, PUBSUB_LIMITS.backoffSeconds.max);
    const minSecs = durationSeconds(minimumBackoff);
    const maxSecs = durationSeconds(maximumBackoff);
    if (minSecs !== undefined && maxSecs !== undefined && minSecs > maxSecs) {
      problems.push(`${where}: minimumBackoff ${minimumBackoff} is greater than maximumBackoff ${maximumBackoff}`);
    }
    const messageRetentionDuration = checkDuration(`${where} messageRetentionDuration`, s?.messageRetentionDuration ?? DEFAULTS.subscriptionMessageRetentionDuration, PUBSUB_LIMITS.subscriptionMessageRetentionSeconds.min, PUBSUB_LIMITS.subscriptionMessageRetentionSeconds.max);
    return {
      ackDeadlineSeconds,
      retryPolicy: { minimumBackoff, maximumBackoff },
      enableMessageOrdering: s?.enableMessageOrdering ?? DEFAULTS.enableMessageOrdering,
      messageRetentionDuration,
    };
  };

  for (const [key, spec] of Object.entries(definition.stages)) {
    const where = `stage "${key}"`;
    checkTopic(`${where} consumes`, spec.consumes);
    if (spec.consumes === definition.deadLetter) problems.push(`${where}: must not consume the dead-letter topic`);
    const functionName = prefixed(prefix, spec.functionName ?? `${definition.name}-${kebab(key)}`);
    if (!FUNCTION_NAME.test(functionName)) {
      problems.push(`${where} function name "${functionName}": expected at most 63 lowercase letters, digits and hyphens, starting with a letter`);
    }
    claimName('function', functionName, where);
    if (spec.routes.length === 0) problems.push(`${where}: has no routes; expected at least one`);
    const routes: CompiledRoute[] = spec.routes.map((route, index) => {
      checkTopic(`${where} route ${index + 1}`, route.to);
      if (route.to === definition.deadLetter) problems.push(`${where} route ${index + 1}: results must not be routed to the dead-letter topic`);
      return { topic: route.to, topicName: topics[route.to]?.name ?? route.to, when: checkFilter(`${where} route ${index + 1} filter`, route.when) };
    });
    const last = routes[routes.length - 1];
    if (last && last.when !== '') {
      problems.push(`${where}: the last route must have no "when" so that every result has somewhere to go`);
    }
    if (typeof spec.source !== 'string' || spec.source.trim() === '') {
      problems.push(`${where}: "source" must name the stage's module, e.g. "./stages/${key}"`);
    }
    for (const attribute of Object.keys(spec.sets ?? {})) {
      const keyProblem = attributeKeyProblem(attribute);
      if (keyProblem) problems.push(`${where} sets attribute "${attribute}": ${keyProblem}`);
      else if ((ATTRIBUTE_KEYS as readonly string[]).includes(attribute)) problems.push(`${where} sets attribute "${attribute}", which the toolkit itself sets`);
    }
    const environment = checkEnvironment(where, spec.environment ?? {}, problems);
    if (spec.batching !== undefined) {
      checkRange(`${where} batching maxBatchSize`, spec.batching.maxBatchSize, { min: 1, max: 1000 });
      if (!(spec.batching.maxWaitMillis >= 0 && spec.batching.maxWaitMillis <= 10_000)) {
        problems.push(`${where} batching maxWaitMillis: ${spec.batching.maxWaitMillis} is outside 0..10000`);
      }
    }
    const timeoutSeconds = checkRange(`${where} timeoutSeconds`, spec.timeoutSeconds ?? DEFAULTS.timeoutSeconds, FUNCTION_LIMITS.timeoutSeconds);
    const subSettings = settings(`${where} subscription`, spec.subscription, timeoutSeconds);
    if (subSettings.ackDeadlineSeconds < timeoutSeconds) {
      problems.push(`${where}: subscription ackDeadlineSeconds ${subSettings.ackDeadlineSeconds} is shorter than the stage's timeoutSeconds ${timeoutSeconds}; Pub/Sub would redeliver while the stage still works`);
    }
    const maxDeliveryAttempts = checkRange(`${where} subscription maxDeliveryAttempts`, spec.subscription?.maxDeliveryAttempts ?? DEFAULTS.maxDeliveryAttempts, PUBSUB_LIMITS.maxDeliveryAttempts);
    const delivery = deliveryOf(key);
    const subKey = delivery === 'push' ? pushSubscriptionKey(key) : pullSubscriptionKey(key);
    const subName = `${functionName}-${delivery}`;
    const subNameProblem = pubsubNameProblem(subName);
    if (subNameProblem) problems.push(`${where} subscription name "${subName}": ${subNameProblem}`);
    claimName('subscription', subName, where);
    const topicName = topics[spec.consumes]?.name ?? spec.consumes;
    const deadLetterPolicy: CompiledDeadLetterPolicy = {
      deadLetterTopic: definition.deadLetter,
      deadLetterTopicName: deadLetterTopic?.name ?? definition.deadLetter,
      maxDeliveryAttempts,
    };
    if (subscriptions[subKey]) problems.push(`${where}: subscription key "${subKey}" is already used`);
    subscriptions[subKey] = {
      key: subKey,
      name: subName,
      path: `projects/${project}/subscriptions/${subName}`,
      description: delivery === 'push' ? `Pushes ${topicName} to the ${key} stage.` : `Feeds ${topicName} to the ${key} stage's pull workers.`,
      kind: delivery,
      topic: spec.consumes,
      topicName,
      // Only a push subscription points at the stage (its endpoint is the stage's URL); see CompiledSubscription.
      ...(delivery === 'push' ? { stage: key } : {}),
      filter: checkFilter(`${where} filter`, spec.filter),
      ...subSettings,
      deadLetterPolicy,
      retainAckedMessages: false,
      labels,
    };
    const publishesTo = [...new Set([...routes.map((r) => r.topic), definition.deadLetter])];
    stages[key] = {
      key,
      description: spec.description,
      functionName,
      entryPoint: spec.entryPoint,
      source: spec.source,
      sets: Object.keys(spec.sets ?? {}),
      environment,
      ...(spec.batching !== undefined ? { batching: { ...spec.batching } } : {}),
      consumes: spec.consumes,
      delivery,
      subscription: subKey,
      routes,
      publishesTo,
      pushPath: `/projects/${project}/topics/${topicName}`,
      timeoutSeconds,
      availableMemory: spec.availableMemory ?? DEFAULTS.availableMemory,
      availableCpu: spec.availableCpu ?? DEFAULTS.availableCpu,
      maxInstanceRequestConcurrency: checkRange(`${where} maxInstanceRequestConcurrency`, spec.maxInstanceRequestConcurrency ?? DEFAULTS.maxInstanceRequestConcurrency, FUNCTION_LIMITS.maxInstanceRequestConcurrency),
      minInstanceCount: spec.minInstanceCount ?? DEFAULTS.minInstanceCount,
      maxInstanceCount: spec.maxInstanceCount ?? DEFAULTS.maxInstanceCount,
      labels,
    };
    if (!Number.isInteger(stages[key].minInstanceCount) || stages[key].minInstanceCount < 0) {
      problems.push(`${where}: minInstanceCount ${stages[key].minInstanceCount} must be a whole number ≥ 0`);
    }
    if (!Number.isInteger(stages[key].maxInstanceCount) || stages[key].maxInstanceCount < 1) {
      problems.push(`${where}: maxInstanceCount ${stages[key].maxInstanceCount} must be a whole number ≥ 1`);
    }
    if (stages[key].minInstanceCount > stages[key].maxInstanceCount) {
      problems.push(`${where}: minInstanceCount ${stages[key].minInstanceCount} is greater than maxInstanceCount ${stages[key].maxInstanceCount}`);
    }
  }

  // Pull subscriptions.
  for (const [key, spec] of Object.entries(definition.subscriptions)) {
    const where = `subscription "${key}"`;
    checkTopic(`${where} topic`, spec.topic);
    const name = prefixed(prefix, spec.name);
    const nameProblem = pubsubNameProblem(name);
    if (nameProblem) problems.push(`${where} name "${name}": ${nameProblem}`);
    claimName('subscription', name, where);
    if (subscriptions[key]) problems.push(`${where}: key is already used by ${subscriptions[key]?.kind} subscription of a stage`);
    subscriptions[key] = {
      key,
      name,
      path: `projects/${project}/subscriptions/${name}`,
      description: spec.description,
      kind: 'pull',
      topic: spec.topic,
      topicName: topics[spec.topic]?.name ?? spec.topic,
      filter: checkFilter(`${where} filter`, spec.filter),
      ...settings(where, spec, PUBSUB_LIMITS.ackDeadlineSeconds.min),
      retainAckedMessages: spec.retainAckedMessages ?? false,
      labels,
    };
  }

  if (definition.resultsSubscription !== undefined && !definition.subscriptions[definition.resultsSubscription]) {
    problems.push(`resultsSubscription: unknown subscription "${definition.resultsSubscription}"`);
  }
  const dls = definition.subscriptions[definition.deadLetterSubscription];
  if (!dls) problems.push(`deadLetterSubscription: unknown subscription "${definition.deadLetterSubscription}"`);
  else if (dls.topic !== definition.deadLetter) {
    problems.push(`deadLetterSubscription "${definition.deadLetterSubscription}": must be attached to the dead-letter topic "${definition.deadLetter}", not "${dls.topic}"`);
  }

  if (definition.contentDeduplication) checkRange('contentDeduplication.windowSeconds', definition.contentDeduplication.windowSeconds, { min: 1, max: 86_400 });
  checkConsumers(definition, problems);
  checkCycles(definition, problems);

  if (problems.length > 0) throw new DefinitionError(problems);
  return {
    name: definition.name,
    project,
    prefix,
    labels,
    ingress: definition.ingress,
    deadLetter: definition.deadLetter,
    deadLetterSubscription: definition.deadLetterSubscription,
    ...(definition.resultsSubscription !== undefined ? { resultsSubscription: definition.resultsSubscription } : {}),
    ...(definition.contentDeduplication ? { contentDeduplication: { windowSeconds: definition.contentDeduplication.windowSeconds } } : {}),
    topics,
    stages,
    subscriptions,
  };
}

/** Environment variable names a stage may not set: the runtime's own, and those Cloud Run reserves. */
const RESERVED_ENVIRONMENT = /^(GOOGLE_|PIPELINE_|IDEMPOTENCY_|CLAIM_CHECK_|FUNCTION_|K_|X_GOOGLE_|PORT$)/;
const ENVIRONMENT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A stage's settings must be valid environment variables that do not override the runtime's own. */
function checkEnvironment(where: string, environment: Readonly<Record<string, string>>, problems: string[]): Readonly<Record<string, string>> {
  for (const [name, value] of Object.entries(environment)) {
    if (!ENVIRONMENT_NAME.test(name)) problems.push(`${where} environment "${name}": expected upper-case letters, digits and _, starting with a letter`);
    else if (RESERVED_ENVIRONMENT.test(name)) problems.push(`${where} environment "${name}": reserved for the runtime or Cloud Run; choose another name`);
    if (typeof value !== 'string') problems.push(`${where} environment "${name}": expected a string value, got ${typeof value}`);
  }
  return { ...environment };
}

/** Validates `CompileOptions.delivery` and returns each stage's mode. */
function checkDelivery(definition: PipelineDefinition, delivery: CompileOptions['delivery'], problems: string[]): (stageKey: string) => DeliveryMode {
  const modes = DELIVERY_MODES as readonly string[];
  if (delivery === undefined) return () => 'push';
  if (typeof delivery === 'string') {
    if (!modes.includes(delivery)) problems.push(`delivery "${delivery}": expected one of ${DELIVERY_MODES.join(', ')}`);
    return () => delivery;
  }
  for (const [stageKey, mode] of Object.entries(delivery)) {
    if (!(stageKey in definition.stages)) problems.push(`delivery: unknown stage "${stageKey}" (stages: ${Object.keys(definition.stages).join(', ')})`);
    if (!modes.includes(mode)) problems.push(`delivery of stage "${stageKey}": "${mode}" is not one of ${DELIVERY_MODES.join(', ')}`);
  }
  return (stageKey) => delivery[stageKey] ?? 'push';
}

/** Every non-terminal topic needs a stage to consume it, and every terminal one a subscription, or messages vanish. */
function checkConsumers(definition: PipelineDefinition, problems: string[]): void {
  const consumed = new Set(Object.values(definition.stages).map((s) => s.consumes));
  const subscribed = new Set(Object.values(definition.subscriptions).map((s) => s.topic));
  for (const [key, spec] of Object.entries(definition.topics)) {
    const terminal = spec.terminal || key === definition.deadLetter;
    if (!terminal && !consumed.has(key)) {
      problems.push(`topic "${key}": no stage consumes it and it is not declared terminal, so what is published to it would be dropped`);
    }
    if (terminal && !subscribed.has(key) && !consumed.has(key)) {
      problems.push(`topic "${key}": terminal but has no subscription; Pub/Sub drops messages published to a topic without subscriptions`);
    }
  }
}

/** Results must not flow back upstream: a cycle would process a message forever. */
function checkCycles(definition: PipelineDefinition, problems: string[]): void {
  // Edges: topic → topics reachable through a stage that consumes it.
  const next = new Map<string, Set<string>>();
  for (const stage of Object.values(definition.stages)) {
    const targets = next.get(stage.consumes) ?? new Set<string>();
    for (const route of stage.routes) targets.add(route.to);
    next.set(stage.consumes, targets);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (topic: string, path: string[]): void => {
    if (state.get(topic) === 'done') return;
    if (state.get(topic) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(topic)), topic].join(' → ');
      if (!reported.has(cycle)) problems.push(`cycle: ${cycle}; a message would be processed forever`);
      reported.add(cycle);
      return;
    }
    state.set(topic, 'visiting');
    for (const target of next.get(topic) ?? []) visit(target, [...path, topic]);
    state.set(topic, 'done');
  };
  for (const topic of Object.keys(definition.topics)) visit(topic, []);
}
