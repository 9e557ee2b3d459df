import { ATTR } from '../../../toolkit/core/pipeline/attributes';
import { asPublished, checkIn, goesByReference } from '../../../toolkit/core/claim-check/publish';
import type { PayloadStore } from '../../../toolkit/core/runtime/hooks';
import { limitProblems } from '../../../toolkit/core/runtime/limits';

/** A store that records what it is given and answers `ref:<n>`. */
function recordingStore(thresholdBytes: number): PayloadStore & { stored: Buffer[] } {
  const stored: Buffer[] = [];
  return {
    thresholdBytes,
    stored,
    put: async (data) => {
      stored.push(data);
      return `gs://claims/claim-check/ref-${stored.length}`;
    },
    get: async () => Buffer.alloc(0),
  };
}

describe('publishing through the claim check', () => {
  const small = { data: Buffer.alloc(10), attributes: { [ATTR.correlationId]: 'c' } };
  const large = { data: Buffer.alloc(11 * 1024 * 1024), attributes: { [ATTR.correlationId]: 'c' } };

  it('sends data over the threshold by reference, and nothing else', async () => {
    // Prepare
    const store = recordingStore(10);
    // Act
    const inline = await checkIn(small, store, { stage: 'publish', correlationId: 'c' });
    const byReference = await checkIn(large, store, { stage: 'publish', correlationId: 'c' });
    // Assess
    expect(inline).toBe(small);
    expect(byReference.data.length).toBe(0);
    expect(byReference.attributes).toEqual({ [ATTR.correlationId]: 'c', [ATTR.claimCheck]: 'gs://claims/claim-check/ref-1' });
    expect(store.stored).toHaveLength(1);
  });

  it('checks limits on what will be published: an 11 MB payload fits by reference, not without a store', () => {
    const store = recordingStore(512 * 1024);
    expect(limitProblems(asPublished(large, store))).toEqual([]);
    expect(limitProblems(asPublished(large, undefined)).join()).toMatch(/10 MB/);
    expect(goesByReference(small, store)).toBe(false);
    expect(goesByReference(large, undefined)).toBe(false);
  });

  it('counts the reference attribute against the attribute limit', () => {
    const store = recordingStore(0);
    const attributes = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 'v']));
    expect(limitProblems(asPublished({ data: Buffer.from('x'), attributes }, store)).join()).toMatch(/101 attributes/);
  });
});
