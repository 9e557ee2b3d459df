import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { idempotencyKey } from '../../../toolkit/core/runtime/idempotency-key';
import { receivedMessage } from '../../support/factories/received-message';

describe('idempotencyKey and replays', () => {
  it('gives a replay a key of its own, for a publisher key and for a content hash', () => {
    // Prepare
    const original = receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'request-1' } });
    const replay = receivedMessage({ attributes: { [ATTR.idempotencyKey]: 'request-1', [ATTR.replayCount]: '1' } });
    const hashed = receivedMessage();
    const hashedReplay = receivedMessage({ attributes: { [ATTR.replayCount]: '1' } });
    // Act / Assess
    expect(idempotencyKey(original)).toBe('key:request-1');
    expect(idempotencyKey(replay)).toBe('key:request-1#replay:1');
    expect(idempotencyKey(hashedReplay)).toBe(`${idempotencyKey(hashed)}#replay:1`);
  });

  it('gives the same replay generation the same key, so a replay redelivered is still a duplicate', () => {
    const a = receivedMessage({ messageId: '1', attributes: { [ATTR.replayCount]: '2', [ATTR.correlationId]: 'x' } });
    const b = receivedMessage({ messageId: '2', attributes: { [ATTR.replayCount]: '2' } });
    expect(idempotencyKey(a)).toBe(idempotencyKey(b));
    expect(idempotencyKey(a)).not.toBe(idempotencyKey(receivedMessage({ attributes: { [ATTR.replayCount]: '3' } })));
  });
});
