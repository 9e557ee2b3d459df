import type { OutgoingMessage } from '../../../toolkit/core/runtime/limits';
import type { Publisher } from '../../../toolkit/core/runtime/publisher';

/** One message the fake accepted. */
export interface PublishedMessage {
  readonly topicName: string;
  readonly id: string;
  readonly message: OutgoingMessage;
}

/**
 * A `Publisher` that keeps what it is given instead of sending it. Ids are `fake-1`, `fake-2`, ... in publish
 * order; `failNext(n)` makes the next `n` publishes reject (failed publishes are not recorded).
 */
export class FakePublisher implements Publisher {
  /** Every accepted message, in publish order. */
  readonly published: PublishedMessage[] = [];
  /** Every publish call, accepted or failed, as `topicName`s in call order. */
  readonly attempts: string[] = [];
  closed = false;
  private nextId = 1;
  private failures: Error[] = [];

  /** Makes the next `count` publishes reject with `error` (default: an `Error` mimicking a transport failure). */
  failNext(count: number, error: Error = new Error('14 UNAVAILABLE: connection refused')): this {
    for (let i = 0; i < count; i += 1) this.failures.push(error);
    return this;
  }

  async publish(topicName: string, message: OutgoingMessage): Promise<string> {
    this.attempts.push(topicName);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const id = `fake-${this.nextId}`;
    this.nextId += 1;
    this.published.push({ topicName, id, message });
    return id;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The messages accepted for one topic name, in publish order. */
  messagesFor(topicName: string): OutgoingMessage[] {
    return this.published.filter((p) => p.topicName === topicName).map((p) => p.message);
  }

  /** Names of the topics that received at least one message. */
  topicNames(): string[] {
    return [...new Set(this.published.map((p) => p.topicName))];
  }
}
