import { billableBytes, memoryGiB, messageBytes, stageCostPerMillion } from '../../../bench/cost';

describe('stageCostPerMillion', () => {
  it('adds instance time at the measured throughput, one invocation and two Pub/Sub requests per message', () => {
    // Prepare: 100 msgs/s on 1 vCPU and 0.5 GiB; small messages in and out (billed at the 1000-byte minimum).
    const cost = stageCostPerMillion({ perSecond: 100, vCpu: 1, memoryGiB: 0.5, inBytes: 200, outBytes: 300 });
    // Assess: 1e6 messages × 0.01 s × ($0.000024 + 0.5 × $0.0000025) = $0.2525;
    // requests $0.40; Pub/Sub 1e6 × 2000 bytes × $40 / 2^40 bytes = $0.0728.
    expect(cost.computeUsd).toBeCloseTo(0.2525, 4);
    expect(cost.requestsUsd).toBeCloseTo(0.4, 4);
    expect(cost.pubsubUsd).toBeCloseTo(0.0728, 4);
    expect(cost.totalUsd).toBeCloseTo(0.7253, 4);
  });

  it('bills messages above 1000 bytes at their size, and halves compute when throughput doubles', () => {
    const slow = stageCostPerMillion({ perSecond: 50, vCpu: 2, memoryGiB: 1, inBytes: 5000, outBytes: 1000 });
    const fast = stageCostPerMillion({ perSecond: 100, vCpu: 2, memoryGiB: 1, inBytes: 5000, outBytes: 1000 });
    expect(slow.computeUsd).toBeCloseTo(2 * fast.computeUsd, 4);
    // 1e6 × 6000 bytes × $40 / 2^40.
    expect(fast.pubsubUsd).toBeCloseTo(0.2183, 4);
  });

  it('rejects a throughput that is not positive', () => {
    expect(() => stageCostPerMillion({ perSecond: 0, vCpu: 1, memoryGiB: 1, inBytes: 1, outBytes: 1 })).toThrow('perSecond must be > 0');
  });
});

describe('message sizes', () => {
  it('counts data, attribute keys and values, the 20-byte timestamp and the message id', () => {
    expect(messageBytes('{"text":"hi"}', { lang: 'en' }, '123')).toBe(13 + 6 + 20 + 3);
  });

  it('bills at least 1000 bytes per request', () => {
    expect(billableBytes(10)).toBe(1000);
    expect(billableBytes(1500)).toBe(1500);
  });
});

describe('memoryGiB', () => {
  it.each([
    ['512Mi', 0.5],
    ['1Gi', 1],
    ['2048Mi', 2],
    ['1G', 1e9 / 2 ** 30],
  ])('%s is %d GiB', (value, expected) => {
    expect(memoryGiB(value)).toBeCloseTo(expected, 10);
  });

  it('rejects what Cloud Functions would not accept', () => {
    expect(() => memoryGiB('lots')).toThrow('memory "lots"');
  });
});
