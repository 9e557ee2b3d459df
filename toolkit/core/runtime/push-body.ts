import { z } from 'zod';
import { ATTR } from '../pipeline/attributes';
import { InvalidEncodingError, InvalidPushBodyError } from './errors';
import type { ReceivedMessage } from './received-message';

/** The CloudEvent type Pub/Sub (through Eventarc) uses for a published message. */
export const PUBSUB_CLOUDEVENT_TYPE = 'google.cloud.pubsub.topic.v1.messagePublished';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The `message` of a push body. Google sends both camelCase and snake_case ids; the emulator omits `data` when
 * it is empty and never sends `orderingKey`.
 */
const pushMessageSchema = z.object({
  data: z.string().optional(),
  attributes: z.record(z.string(), z.string()).nullish(),
  messageId: z.string().optional(),
  message_id: z.string().optional(),
  publishTime: z.string().optional(),
  publish_time: z.string().optional(),
  orderingKey: z.string().optional(),
});

/** A Pub/Sub push request body: `{message, subscription, deliveryAttempt}`. */
export const pushBodySchema = z.object({
  message: pushMessageSchema,
  subscription: z.string().optional(),
  deliveryAttempt: z.number().int().positive().optional(),
});

/** A push body, as validated. */
export type PushBody = z.infer<typeof pushBodySchema>;

/** A structured-mode CloudEvent carrying a Pub/Sub message. */
const structuredCloudEventSchema = z.object({
  specversion: z.string(),
  type: z.string(),
  source: z.string().optional(),
  id: z.string().optional(),
  data: pushBodySchema,
});

/** What the runtime needs of an HTTP request; express's Request satisfies it. */
export interface PushRequest {
  readonly body: unknown;
  readonly path?: string;
  header(name: string): string | undefined;
}

/** Describes where a zod parse failed, naming the field and what was expected. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Strict base64 decoding: Node's decoder silently skips invalid characters, which would corrupt data unseen. */
export function decodeBase64(value: string, field: string): Buffer {
  // Fast path for what Pub/Sub sends (canonical, padded, no whitespace): decoding and re-encoding natively costs
  // a tenth of scanning a large payload with a regular expression; anything else takes the strict path below.
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') === value) return decoded;
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new InvalidEncodingError(`${field} is not valid base64`);
  }
  return Buffer.from(compact, 'base64');
}

function fromPushBody(body: PushBody, topic: string | undefined): ReceivedMessage {
  const m = body.message;
  const messageId = m.messageId ?? m.message_id;
  if (!messageId) throw new InvalidPushBodyError('message.messageId is missing; expected the Pub/Sub message id');
  return {
    data: m.data ? decodeBase64(m.data, 'message.data') : Buffer.alloc(0),
    attributes: m.attributes ?? {},
    messageId,
    publishTime: m.publishTime ?? m.publish_time,
    // The emulator's push body has no orderingKey; `aipipe publish` repeats it in an attribute that
    // every stage carries on, so locally the key survives every hop (docs/ordering.md).
    orderingKey: m.orderingKey || m.attributes?.[ATTR.orderingKey] || undefined,
    subscription: body.subscription,
    deliveryAttempt: body.deliveryAttempt,
    topic,
  };
}

/** `/projects/P/topics/T` at the end of a push URL → `projects/P/topics/T` (functions-framework's convention). */
function topicFromPath(path: string | undefined): string | undefined {
  const match = path ? /\/(projects\/[^/]+\/topics\/[^/?]+)\/?$/.exec(path) : null;
  return match?.[1];
}

/**
 * Parses an incoming request into a `ReceivedMessage`. Accepts a raw Pub/Sub push body (what push
 * subscriptions send, locally and in production), a binary-mode CloudEvent (`ce-type` header, push body as the
 * HTTP body) and a structured-mode CloudEvent. Throws `InvalidPushBodyError` naming what was wrong.
 */
export function parsePushRequest(request: PushRequest): ReceivedMessage {
  const ceType = request.header('ce-type');
  const body = typeof request.body === 'string' ? parseJsonBody(request.body) : request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Buffer.isBuffer(body)) {
    throw new InvalidPushBodyError('request body is not a JSON object; expected a Pub/Sub push body {"message": {...}, "subscription": "..."}');
  }
  if (ceType !== undefined) {
    if (ceType !== PUBSUB_CLOUDEVENT_TYPE) {
      throw new InvalidPushBodyError(`CloudEvent type "${ceType}" is not supported; expected "${PUBSUB_CLOUDEVENT_TYPE}"`);
    }
    const parsed = pushBodySchema.safeParse(body);
    if (!parsed.success) throw new InvalidPushBodyError(`invalid CloudEvent data: ${describeZodError(parsed.error)}`);
    return fromPushBody(parsed.data, sourceTopic(request.header('ce-source')));
  }
  if ('specversion' in body) {
    const parsed = structuredCloudEventSchema.safeParse(body);
    if (!parsed.success) throw new InvalidPushBodyError(`invalid CloudEvent: ${describeZodError(parsed.error)}`);
    if (parsed.data.type !== PUBSUB_CLOUDEVENT_TYPE) {
      throw new InvalidPushBodyError(`CloudEvent type "${parsed.data.type}" is not supported; expected "${PUBSUB_CLOUDEVENT_TYPE}"`);
    }
    return fromPushBody(parsed.data.data, sourceTopic(parsed.data.source));
  }
  const parsed = pushBodySchema.safeParse(body);
  if (!parsed.success) throw new InvalidPushBodyError(`invalid Pub/Sub push body: ${describeZodError(parsed.error)}`);
  return fromPushBody(parsed.data, topicFromPath(request.path));
}

/** `//pubsub.googleapis.com/projects/P/topics/T` → `projects/P/topics/T`. */
function sourceTopic(source: string | undefined): string | undefined {
  const match = source ? /(projects\/[^/]+\/topics\/[^/]+)$/.exec(source) : null;
  return match?.[1];
}

/** A body that arrived as text (a content type other than JSON) is still accepted if it is JSON. */
function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidPushBodyError('request body is not JSON; expected a Pub/Sub push body {"message": {...}, "subscription": "..."}');
  }
}
