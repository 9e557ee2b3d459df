import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { contentHash, idempotencyKey, requestIdentity } from '../../../toolkit/core/runtime/idempotency-key';
import { describeDeadLetter, replayMessage } from '../../../toolkit/core/dead-letters/source';
import { pulledMessage, TOPOLOGY } from '../dead-letters/factories';
import { receivedMessage } from '../../support/factories/received-message';

const CONTENT = { windowSeconds: 300 };

describe('requestIdentity', () => {
  it('keeps a carried request key whatever the data, the messageId or the publisher key', () => {
    // Prepare
    const a = receivedMessage({ messageId: '1', data: Buffer.from('one'), attributes: { [ATTR.requestKey]: 'message:9', [ATTR.idempotencyKey]: 'other' } });
    const b = receivedMessage({ messageId: '2', data: Buffer.from('two'), attributes: { [ATTR.requestKey]: 'message:9' } });
    // Act / Assess
    expect(requestIdentity(a)).toEqual({ claimKey: 'message:9', requestKey: 'message:9' });
    expect(requestIdentity(b, CONTENT)).toEqual({ claimKey: 'message:9', requestKey: 'message:9' });
  });

  it('fixes the key at the first hop: the publisher key, else the messageId, never the data', () => {
    const given = receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'order-1' } });
    expect(requestIdentity(given)).toEqual({ claimKey: 'key:order-1', requestKey: 'key:order-1' });
    // A publisher key too long to carry in an attribute with its prefix travels hashed.
    const long = requestIdentity(receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'k'.repeat(1024) } }));
    expect(long.requestKey).toMatch(/^key-sha256:[0-9a-f]{64}$/);
    expect(long.claimKey).toBe(long.requestKey);
    const empty = (messageId: string) => receivedMessage({ messageId, data: Buffer.alloc(0) });
    expect(idempotencyKey(empty('1'))).toBe('message:1');
    expect(idempotencyKey(empty('1'))).toBe(idempotencyKey(empty('1')));
    expect(idempotencyKey(empty('1'))).not.toBe(idempotencyKey(empty('2')));
  });

  it('with content deduplication, claims the content hash for its window and carries it with the messageId', () => {
    const m = receivedMessage({ messageId: '7', attributes: { [ATTR.correlationId]: 'c-1' } });
    const identity = requestIdentity(m, CONTENT);
    expect(identity.claimKey).toBe(`content:${contentHash(m)}`);
    expect(identity.requestKey).toBe(`content:${contentHash(m)}@7`);
    expect(identity.windowMillis).toBe(300_000);
    // The publisher key still wins over content.
    expect(requestIdentity(receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'k' } }), CONTENT).claimKey).toBe('key:k');
  });

  it('hashes data, ordering key and publisher attributes, but not trace context or toolkit bookkeeping', () => {
    const base = receivedMessage({ attributes: { [ATTR.correlationId]: 'c-1', lang: 'en' } });
    const hash = contentHash(base);
    expect(contentHash({ ...base, attributes: { lang: 'en', [ATTR.correlationId]: 'c-1' } })).toBe(hash);
    expect(contentHash({ ...base, attributes: { ...base.attributes, [ATTR.traceparent]: '00-abc-def-01', googclient_traceparent: 'x', [ATTR.replayCount]: '1' } })).toBe(hash);
    expect(contentHash({ ...base, attributes: { ...base.attributes, [ATTR.correlationId]: 'c-2' } })).not.toBe(hash);
    expect(contentHash({ ...base, orderingKey: 'customer-1' })).not.toBe(hash);
    expect(contentHash({ ...base, data: Buffer.from('other') })).not.toBe(hash);
    // Length-prefixed: moving bytes between data and an attribute changes the hash.
    expect(contentHash({ data: Buffer.from('ab'), attributes: { c: 'd' } })).not.toBe(contentHash({ data: Buffer.from('a'), attributes: { bc: 'd' } }));
  });
});

describe('request identity and replays', () => {
  it('gives a replay a claim of its own, for a publisher key, a messageId and a carried key', () => {
    expect(idempotencyKey(receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'request-1', [ATTR.replayCount]: '1' } }))).toBe('key:request-1#replay:1');
    expect(idempotencyKey(receivedMessage({ messageId: '5', attributes: { [ATTR.replayCount]: '1' } }))).toBe('message:5#replay:1');
    const replay = requestIdentity(receivedMessage({ attributes: { [ATTR.requestKey]: 'message:5', [ATTR.replayCount]: '2' } }));
    expect(replay).toEqual({ claimKey: 'message:5#replay:2', requestKey: 'message:5' });
  });

  it('gives every replay of one dead letter the same key, so a replay republished twice is one request', () => {
    // Prepare: a dead letter Pub/Sub made at the first hop (no request key), replayed twice as generation 1.
    const deadLetter = describeDeadLetter(pulledMessage({ messageId: 'dl-1', attributes: { [ATTR.correlationId]: 'c' } }), TOPOLOGY);
    const replayed = replayMessage(deadLetter);
    const first = receivedMessage({ messageId: '100', attributes: replayed.attributes });
    const second = receivedMessage({ messageId: '101', attributes: replayed.attributes });
    // Act / Assess
    expect(idempotencyKey(first)).toBe('message:dl-1#replay:1');
    expect(idempotencyKey(second)).toBe(idempotencyKey(first));
  });
});
