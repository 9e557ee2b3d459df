import { DeadLetterError } from '../../../toolkit/core/dead-letters/errors';
import { decodePageToken, encodePageToken } from '../../../toolkit/core/dead-letters/page-token';
import { comparePulled, compareMessageIds } from '../../../toolkit/core/dead-letters/pulled-message';

describe('page tokens', () => {
  it('round-trip a position', () => {
    const position = { sortKey: '001714564800.123456789', messageId: '17' };
    expect(decodePageToken(encodePageToken(position))).toEqual(position);
  });

  it.each(['', 'not-a-token', Buffer.from('001714564800.123456789').toString('base64url'), Buffer.from('1/2/3').toString('base64url')])('refuse %j', (token) => {
    expect(() => decodePageToken(token)).toThrow(DeadLetterError);
    expect(() => decodePageToken(token)).toThrow(/expected the nextPageToken printed by a previous `dlq list`/);
  });
});

describe('ordering of dead letters', () => {
  it('compares messageIds as numbers of any length', () => {
    expect(['10', '9', '100', '11'].sort(compareMessageIds)).toEqual(['9', '10', '11', '100']);
  });

  it('orders by publish time first, then messageId', () => {
    const a = { sortKey: '000000000001.000000000', messageId: '20' };
    const b = { sortKey: '000000000001.000000000', messageId: '3' };
    const c = { sortKey: '000000000000.999999999', messageId: '99' };
    expect([a, b, c].sort(comparePulled)).toEqual([c, b, a]);
  });
});
