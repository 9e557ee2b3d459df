/** A Pub/Sub message as a stage receives it, independent of how it arrived (push body or CloudEvent). */
export interface ReceivedMessage {
  /** Decoded payload bytes; empty when the message had no data. */
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageId: string;
  /** RFC 3339 publish time; the emulator and Google Cloud always send it, but a hand-made request may not. */
  readonly publishTime?: string;
  /** Absent on the emulator's push bodies even when one was set. */
  readonly orderingKey?: string;
  /** Full subscription path; absent in some CloudEvents. */
  readonly subscription?: string;
  /** Present in production only when the subscription has a dead-letter policy; the emulator never sends it. */
  readonly deliveryAttempt?: number;
  /** Topic path when it is known (CloudEvent source, or the push URL's `/projects/P/topics/T` path). */
  readonly topic?: string;
}
