import { OUTCOMES, type Outcome } from '../../core/runtime/outcome';
import type { CompiledTopology } from '../../core/pipeline/topology';
import { DASHBOARD_DEFAULTS } from './defaults';
import { parseHop, type Hop } from './log-line';

/** Latency percentiles of a stage over its most recent messages, ms. */
export interface LatencyPercentiles {
  readonly samples: number;
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
}

/** What one stage has done since the dashboard started. */
export interface StageStats {
  readonly stage: string;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly latency: LatencyPercentiles;
  /** Messages a second by outcome, oldest first, one value per second of `rateSeconds`. */
  readonly rate: Readonly<Record<Outcome, readonly number[]>>;
}

/**
 * How far behind a subscription is. The emulator has no metrics API, so this is derived from the stages' log
 * lines: `published` counts the messages the stages (and the dashboard's replays) published to the subscription's
 * topic; `acked` the distinct messages its stage acknowledged (every outcome but `retry`); `backlog` is their
 * difference. Publishes from outside the pipeline (to the ingress topic, or `aipipe dlq replay` from a terminal)
 * are not in any log line, so for the ingress topic `published` and `backlog` are unknown and only `retrying` is
 * shown. The dead-letter subscription's backlog is counted by reading it without acknowledging (`peeked`).
 */
export interface SubscriptionBacklog {
  readonly key: string;
  readonly name: string;
  readonly topic: string;
  readonly kind: 'push' | 'pull';
  /** The stage it feeds, if any. */
  readonly stage?: string;
  readonly published?: number;
  readonly acked?: number;
  /** Distinct messages whose latest delivery was answered `retry` and that have not been acknowledged since. */
  readonly retrying?: number;
  readonly backlog?: number;
  /** How `backlog` was obtained: `logs` (published − acked), `peek` (read without acknowledging) or `unknown`. */
  readonly source: 'logs' | 'peek' | 'unknown';
}

/** A request seen recently, for the page's list of journeys to open. */
export interface RecentRequest {
  readonly correlationId: string;
  readonly timeMillis: number;
  readonly stage: string;
  readonly outcome: Outcome;
}

/** Everything the page shows but the dead letters and the graph, at one moment. */
export interface DashboardSnapshot {
  readonly timeMillis: number;
  /** The second (ms since the epoch) of the last value of each `rate` series. */
  readonly rateEndMillis: number;
  readonly rateSeconds: number;
  readonly hops: number;
  readonly stages: readonly StageStats[];
  readonly subscriptions: readonly SubscriptionBacklog[];
  readonly recent: readonly RecentRequest[];
}

/** One hop of a journey, with its start relative to the journey's first hop. */
export interface JourneyHop extends Hop {
  /** When the stage started on the message, ms after the first hop started. */
  readonly offsetMs: number;
}

/** A request's way through the pipeline, every hop in the order they started. */
export interface Journey {
  readonly correlationId: string;
  readonly hops: readonly JourneyHop[];
  /** From the first hop's start to the last hop's end, ms. */
  readonly spanMs: number;
}

/** Aggregates the stages' log lines into what the dashboard shows. */
export interface DashboardState {
  /** Feeds one line a process printed; lines that are not a stage's per-message line are ignored. */
  observe(source: string, line: string): void;
  /** Records messages the dashboard itself published (replays) to a topic, by topic name. */
  notePublished(topicName: string, count: number): void;
  /** Records the dead-letter subscription's backlog as read without acknowledging. */
  notePeeked(subscriptionKey: string, count: number): void;
  snapshot(nowMillis?: number): DashboardSnapshot;
  /** The journey of one request, or undefined when no stage has logged it. */
  journey(correlationId: string): Journey | undefined;
  /** Called after each hop observed (the dead-letter reader listens for `dead-lettered`). */
  onHop(listener: (hop: Hop) => void): void;
}

interface StageAccumulator {
  readonly counts: Record<Outcome, number>;
  readonly latencies: number[];
  latencyNext: number;
  /** Per-second counts in a ring indexed by second modulo the window; `secondOf` says which second a slot holds. */
  readonly ring: Record<Outcome, number>[];
  readonly secondOf: number[];
  readonly acked: BoundedSet;
  /** Distinct messages acknowledged (the set above forgets; this count does not). */
  ackedCount: number;
  readonly retrying: Set<string>;
}

/** Creates the aggregation for a topology; the stages and subscriptions shown are the topology's. */
export function createDashboardState(topology: CompiledTopology, limits: { readonly [K in keyof typeof DASHBOARD_DEFAULTS]?: number } = {}): DashboardState {
  const options = { ...DASHBOARD_DEFAULTS, ...limits };
  const window = options.rateWindowSeconds;
  const stages = new Map<string, StageAccumulator>(
    Object.keys(topology.stages).map((key) => [
      key,
      {
        counts: zeroCounts(),
        latencies: [],
        latencyNext: 0,
        ring: Array.from({ length: window }, zeroCounts),
        secondOf: new Array<number>(window).fill(-1),
        acked: new BoundedSet(options.rememberedMessageIds),
        ackedCount: 0,
        retrying: new Set<string>(),
      },
    ]),
  );
  const publishedTo = new Map<string, number>();
  const peeked = new Map<string, number>();
  const journeys = new Map<string, Hop[]>();
  const recent: RecentRequest[] = [];
  const listeners: ((hop: Hop) => void)[] = [];
  let hops = 0;

  const record = (hop: Hop): void => {
    const stage = stages.get(hop.stage);
    if (!stage) return; // a stage of another pipeline sharing the terminal: not ours to show
    hops += 1;
    stage.counts[hop.outcome] += 1;
    if (stage.latencies.length < options.latencySamples) stage.latencies.push(hop.latencyMs);
    else stage.latencies[stage.latencyNext] = hop.latencyMs;
    stage.latencyNext = (stage.latencyNext + 1) % options.latencySamples;
    const second = Math.floor(hop.timeMillis / 1000);
    const slot = ((second % window) + window) % window;
    if (stage.secondOf[slot] !== second) {
      stage.ring[slot] = zeroCounts();
      stage.secondOf[slot] = second;
    }
    (stage.ring[slot] as Record<Outcome, number>)[hop.outcome] += 1;
    if (hop.outcome === 'retry') {
      if (!stage.acked.has(hop.messageId)) stage.retrying.add(hop.messageId);
    } else {
      if (stage.acked.add(hop.messageId)) stage.ackedCount += 1;
      stage.retrying.delete(hop.messageId);
    }
    if (hop.outcome === 'published' && hop.outputTopic) publishedTo.set(hop.outputTopic, (publishedTo.get(hop.outputTopic) ?? 0) + 1);
    if (hop.outcome === 'dead-lettered') {
      const deadLetterTopic = topology.topics[topology.deadLetter]?.name;
      if (deadLetterTopic) publishedTo.set(deadLetterTopic, (publishedTo.get(deadLetterTopic) ?? 0) + 1);
    }
    let journey = journeys.get(hop.correlationId);
    if (!journey) {
      journey = [];
      journeys.set(hop.correlationId, journey);
      // Maps iterate in insertion order: the first key is the oldest request.
      if (journeys.size > options.journeys) journeys.delete(journeys.keys().next().value as string);
    }
    if (journey.length < options.hopsPerJourney) journey.push(hop);
    const seen = recent.findIndex((entry) => entry.correlationId === hop.correlationId);
    if (seen >= 0) recent.splice(seen, 1);
    recent.unshift({ correlationId: hop.correlationId, timeMillis: hop.timeMillis, stage: hop.stage, outcome: hop.outcome });
    if (recent.length > options.recentRequests) recent.pop();
    for (const listener of listeners) listener(hop);
  };

  const backlogOf = (key: string): SubscriptionBacklog => {
    const subscription = topology.subscriptions[key];
    if (!subscription) throw new Error(`unknown subscription "${key}"`);
    const stageKey = subscription.stage ?? Object.values(topology.stages).find((stage) => stage.subscription === key)?.key;
    const base = { key, name: subscription.name, topic: subscription.topicName, kind: subscription.kind, ...(stageKey ? { stage: stageKey } : {}) };
    const fromOutside = subscription.topic === topology.ingress;
    const published = fromOutside ? undefined : (publishedTo.get(subscription.topicName) ?? 0);
    const peek = peeked.get(key);
    if (peek !== undefined) return { ...base, published, backlog: peek, source: 'peek' };
    const stage = stageKey ? stages.get(stageKey) : undefined;
    if (!stage) return { ...base, published, source: 'unknown' };
    const acked = stage.ackedCount;
    const retrying = stage.retrying.size;
    // Replays from a terminal are not seen, so acknowledgements can outnumber seen publishes: never below zero.
    if (published === undefined) return { ...base, acked, retrying, source: 'unknown' };
    return { ...base, published, acked, retrying, backlog: Math.max(0, published - acked), source: 'logs' };
  };

  return {
    observe(_source, line) {
      const hop = parseHop(line);
      if (hop) record(hop);
    },
    notePublished(topicName, count) {
      publishedTo.set(topicName, (publishedTo.get(topicName) ?? 0) + count);
    },
    notePeeked(subscriptionKey, count) {
      peeked.set(subscriptionKey, count);
    },
    snapshot(nowMillis = Date.now()) {
      const end = Math.floor(nowMillis / 1000);
      const stageStats = [...stages].map(([key, stage]): StageStats => {
        const rate = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, new Array<number>(window).fill(0)])) as Record<Outcome, number[]>;
        for (let index = 0; index < window; index += 1) {
          const second = end - window + 1 + index;
          const slot = ((second % window) + window) % window;
          if (stage.secondOf[slot] !== second) continue;
          for (const outcome of OUTCOMES) (rate[outcome] as number[])[index] = (stage.ring[slot] as Record<Outcome, number>)[outcome];
        }
        return { stage: key, counts: { ...stage.counts }, latency: percentiles(stage.latencies), rate };
      });
      return {
        timeMillis: nowMillis,
        rateEndMillis: end * 1000,
        rateSeconds: window,
        hops,
        stages: stageStats,
        subscriptions: Object.keys(topology.subscriptions).map(backlogOf),
        recent: [...recent],
      };
    },
    journey(correlationId) {
      const journey = journeys.get(correlationId);
      if (!journey || journey.length === 0) return undefined;
      const started = journey.map((hop) => ({ hop, start: hop.timeMillis - hop.latencyMs })).sort((a, b) => a.start - b.start);
      const first = (started[0] as { start: number }).start;
      const end = Math.max(...journey.map((hop) => hop.timeMillis));
      return {
        correlationId,
        hops: started.map(({ hop, start }) => ({ ...hop, offsetMs: round(start - first) })),
        spanMs: round(end - first),
      };
    },
    onHop(listener) {
      listeners.push(listener);
    },
  };
}

function zeroCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Nearest-rank percentiles of the samples. */
export function percentiles(samples: readonly number[]): LatencyPercentiles {
  if (samples.length === 0) return { samples: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { samples: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99) };
}

/** A set that forgets its oldest members past a size, so a long local run does not grow without bound. */
class BoundedSet {
  private readonly members = new Set<string>();
  constructor(private readonly max: number) {}
  has(value: string): boolean {
    return this.members.has(value);
  }
  /** Adds the value; true when it was not there. */
  add(value: string): boolean {
    if (this.members.has(value)) return false;
    this.members.add(value);
    if (this.members.size > this.max) this.members.delete(this.members.values().next().value as string);
    return true;
  }
}
