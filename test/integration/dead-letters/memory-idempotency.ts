import type { ClaimResult, IdempotencyStore } from '../../../toolkit/core/runtime/hooks';

/**
 * A minimal in-memory `IdempotencyStore` for these tests: completed keys are remembered for ever, a claim is
 * exclusive until completed or released. Enough to show that a replay is not taken for a duplicate of the
 * dead-lettered attempt (which the runtime marks completed).
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly completed = new Set<string>();
  private readonly claimed = new Set<string>();
  /** Every `claim` answer, by key, in call order. */
  readonly answers: Array<{ key: string; state: ClaimResult['state'] }> = [];

  async claim(stage: string, key: string): Promise<ClaimResult> {
    const id = `${stage}/${key}`;
    const result: ClaimResult = this.completed.has(id) ? { state: 'completed' } : this.claimed.has(id) ? { state: 'in-progress' } : { state: 'acquired', token: id };
    if (result.state === 'acquired') this.claimed.add(id);
    this.answers.push({ key, state: result.state });
    return result;
  }

  async complete(stage: string, key: string): Promise<void> {
    const id = `${stage}/${key}`;
    this.claimed.delete(id);
    this.completed.add(id);
  }

  async release(stage: string, key: string): Promise<void> {
    this.claimed.delete(`${stage}/${key}`);
  }
}
