import type { GcsClient, GcsLocation } from '../../../functions/models/cloud-storage';
import { InvalidInputError } from '../../../toolkit/core/runtime/errors';

/** An in-memory Cloud Storage: objects by `bucket/object`; a missing one fails as the real client's 404 does. */
export function fakeGcsClient(objects: Record<string, Buffer> = {}): GcsClient & { reads: string[] } {
  const reads: string[] = [];
  const get = (location: GcsLocation): Buffer => {
    const contents = objects[`${location.bucket}/${location.object}`];
    if (!contents) throw new InvalidInputError(`gs://${location.bucket}/${location.object} does not exist (404 from Cloud Storage)`);
    return contents;
  };
  return {
    reads,
    async stat(location) {
      return { size: get(location).length, generation: '1' };
    },
    async read(location) {
      reads.push(`${location.bucket}/${location.object}`);
      return get(location);
    },
    async download() {
      throw new Error('download is not used by these tests');
    },
  };
}
