/**
 * The arithmetic of a sliding-window limit: at most `limit` units per key in ANY span of
 * `windowMs`, not per calendar bucket (a bucket lets 2× the limit through across its boundary).
 *
 * Events are kept as counts per slice of `windowMs / SLICES`. A slice counts while any moment in
 * it could still be inside the window, so the count is never below the true number of events in
 * the window: the limit is never exceeded, and a refusal lasts at most one slice (1 % of the
 * window) longer than an exact log of every event would make it. The slices of one key stay
 * bounded (≤ SLICES + 1), however many events it sees.
 */
export const SLICES = 100;

/** `[slice start (epoch ms), units counted in it]`, oldest first. */
export type Slice = readonly [start: number, units: number];

export interface WindowShape {
  readonly limit: number;
  readonly windowMs: number;
}

export type WindowDecision =
  | { readonly allowed: true; readonly slices: readonly Slice[]; readonly remaining: number }
  /** `retryAfterMs` is null when `units` exceeds the limit itself: waiting never helps. */
  | { readonly allowed: false; readonly retryAfterMs: number | null };

export function sliceMs(shape: WindowShape): number {
  return Math.max(1, Math.ceil(shape.windowMs / SLICES));
}

/** The slices that still count at `now`: one whose last moment is inside the window. */
function live(slices: readonly Slice[], shape: WindowShape, now: number): Slice[] {
  const width = sliceMs(shape);
  return slices.filter(([start]) => start + width > now - shape.windowMs);
}

/**
 * Whether `units` more fit at `now`. When they do, the slices to store (expired ones dropped,
 * `units` added to the current slice); when not, how long until enough have aged out.
 */
export function admit(
  slices: readonly Slice[],
  shape: WindowShape,
  now: number,
  units: number,
): WindowDecision {
  const counted = live(slices, shape, now);
  const used = counted.reduce((sum, [, n]) => sum + n, 0);
  if (used + units <= shape.limit) {
    const width = sliceMs(shape);
    const current = now - (now % width);
    // Another instance's clock may run a little ahead, so the current slice need not be last.
    const next: Slice[] = counted.some(([start]) => start === current)
      ? counted.map(([start, n]) => (start === current ? [start, n + units] : [start, n]))
      : [...counted, [current, units] as const].sort((a, b) => a[0] - b[0]);
    return { allowed: true, slices: next, remaining: shape.limit - used - units };
  }
  return { allowed: false, retryAfterMs: retryAfter(counted, shape, now, used, units) };
}

/** Time until the oldest slices have aged out far enough for `units` more to fit. */
function retryAfter(
  counted: readonly Slice[],
  shape: WindowShape,
  now: number,
  used: number,
  units: number,
): number | null {
  if (units > shape.limit) return null;
  const width = sliceMs(shape);
  let left = used;
  for (const [start, n] of counted) {
    left -= n;
    if (left + units <= shape.limit) return start + width + shape.windowMs - now;
  }
  return 0; // Unreachable: with every slice aged out, `units` ≤ limit fits.
}

/** When the last stored slice stops counting: the key's state can be forgotten after that. */
export function expiresAt(slices: readonly Slice[], shape: WindowShape): number {
  const last = slices.reduce((latest, [start]) => Math.max(latest, start), 0);
  return last + sliceMs(shape) + shape.windowMs;
}
