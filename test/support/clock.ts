import type { Clock } from '../../src/lib/clock.js';

/** A clock tests move by hand: time passes only when a test says so, never by sleeping. */
export class ManualClock implements Clock {
  private at: number;
  constructor(start: string | number = '2026-11-21T12:00:00.000Z') {
    this.at = typeof start === 'number' ? start : Date.parse(start);
  }
  now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}
