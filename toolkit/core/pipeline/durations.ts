import type { DurationString } from './types';

const DURATION = /^(\d+(?:\.\d{1,9})?)s$/;

/** Seconds in a Google API duration string (`"600s"` → 600), or `undefined` if it is not one. */
export function durationSeconds(value: string): number | undefined {
  const match = DURATION.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** A duration string for a number of seconds. */
export function seconds(value: number): DurationString {
  return `${value}s`;
}

/** A duration string for a number of days. */
export function days(value: number): DurationString {
  return seconds(value * 86_400);
}
