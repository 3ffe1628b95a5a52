import { instantMs } from './iso-instant.js';

/** Time source; tests pass a fixed clock so "days in status" and expiries are deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  return { now: () => new Date(at) };
}

/** Milliseconds since the epoch on the injected clock (the unit the OAuth tables store). */
export function epochMs(clock: Clock): number {
  return clock.now().getTime();
}

/** Whole seconds since the epoch on the injected clock (the unit of JWT-style claims). */
export function epochSeconds(clock: Clock): number {
  return Math.floor(epochMs(clock) / 1000);
}

const DAY_MS = 86_400_000;

/** Whole days from the instant `from` (ISO 8601 text, read by iso-instant.ts) to `to`, rounded down. */
export function daysBetween(from: string, to: Date): number {
  return Math.floor((to.getTime() - instantMs(from)) / DAY_MS);
}

export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * DAY_MS);
}
