import { EventEmitter } from 'node:events';
import type { PulledMessage, PullSource } from '../../../toolkit/core/worker/worker';

/** A pulled message that records how it was settled. */
export class FakePulledMessage implements PulledMessage {
  readonly attributes: Record<string, string>;
  settled: 'ack' | 'nack' | undefined;
  /** How many times ack/nack was called (must be exactly once). */
  settleCalls = 0;

  constructor(
    readonly id: string,
    readonly data: Buffer,
    attributes: Record<string, string> = {},
    readonly extra: { publishTime?: Date; orderingKey?: string; deliveryAttempt?: number } = {},
  ) {
    this.attributes = attributes;
  }

  get publishTime(): Date | undefined {
    return this.extra.publishTime;
  }

  get orderingKey(): string | undefined {
    return this.extra.orderingKey;
  }

  get deliveryAttempt(): number | undefined {
    return this.extra.deliveryAttempt;
  }

  ack(): void {
    this.settled = 'ack';
    this.settleCalls += 1;
  }

  nack(): void {
    this.settled = 'nack';
    this.settleCalls += 1;
  }
}

/** A streaming-pull subscription driven by the test: `deliver` emits a message as the client library would. */
export class FakePullSource extends EventEmitter implements PullSource {
  closed = false;

  deliver(message: FakePulledMessage): FakePulledMessage {
    this.emit('message', message);
    return message;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
