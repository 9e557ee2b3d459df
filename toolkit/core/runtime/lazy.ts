/**
 * Memoizes an async loader: concurrent and later callers share one load, and a failed load is forgotten so the
 * next call tries again (a model that failed to load on a cold start must not poison the instance forever).
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = load().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    }
    return pending;
  };
}
