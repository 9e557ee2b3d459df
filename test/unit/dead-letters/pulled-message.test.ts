import { DeadLetterError } from '../../../toolkit/core/dead-letters/errors';
import { toPulledMessage } from '../../../toolkit/core/dead-letters/pulled-message';

describe('toPulledMessage', () => {
  it('normalises a pull response entry: data, attributes, publish time to the nanosecond', () => {
    // Act
    const pulled = toPulledMessage({
      ackId: 'ack-1',
      message: { messageId: '77', data: Buffer.from('hi'), attributes: { a: 'b' }, orderingKey: 'k', publishTime: { seconds: '1714564800', nanos: 123456789 } },
    });
    // Assess
    expect(pulled).toEqual({
      ackId: 'ack-1',
      messageId: '77',
      data: Buffer.from('hi'),
      attributes: { a: 'b' },
      orderingKey: 'k',
      publishTime: '2024-05-01T12:00:00.123Z',
      sortKey: '001714564800.123456789',
    });
  });

  it('accepts numeric seconds, base64 data and no attributes', () => {
    const pulled = toPulledMessage({ ackId: 'a', message: { messageId: '1', data: Buffer.from('x').toString('base64'), publishTime: { seconds: 5 } } });
    expect(pulled.data.toString()).toBe('x');
    expect(pulled.attributes).toEqual({});
    expect(pulled.orderingKey).toBeUndefined();
    expect(pulled.sortKey).toBe('000000000005.000000000');
  });

  it.each([
    [{ message: { messageId: '1', publishTime: { seconds: 1 } } }, /lacks ackId/],
    [{ ackId: 'a', message: { publishTime: { seconds: 1 } } }, /lacks message.messageId/],
    [{ ackId: 'a', message: { messageId: '1' } }, /has no valid publishTime/],
  ])('refuses an incomplete entry %#', (entry, problem) => {
    expect(() => toPulledMessage(entry)).toThrow(DeadLetterError);
    expect(() => toPulledMessage(entry)).toThrow(problem);
  });
});
