/**
 * A token bucket per tenant: each tenant may make `tps` requests per second on average and bursts of
 * up to `burst` (default: max(1, ceil(tps))). Pure: the caller passes the clock, so tests inject time.
 * Hand-written (a dozen lines) rather than a dependency: the popular limiter packages bring their own
 * timers and stores, while the API only needs a yes/no and the wait until the next token.
 */
export class TenantRateLimiter {
  readonly tps: number;
  readonly burst: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: { tps: number; burst?: number }) {
    if (!Number.isFinite(options.tps) || options.tps <= 0)
      throw new RangeError(`tps must be a positive number, got ${options.tps}`);
    const burst = options.burst ?? Math.max(1, Math.ceil(options.tps));
    if (!Number.isFinite(burst) || burst < 1) throw new RangeError(`burst must be at least 1, got ${options.burst}`);
    this.tps = options.tps;
    this.burst = burst;
  }

  /** Takes one token for `tenant` if there is one; false means "throttle this request". */
  tryTake(tenant: string, nowMs: number): boolean {
    const b = this.refill(tenant, nowMs);
    this.sweep(nowMs);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Milliseconds until `tenant` has a token again (0 if it has one now): a Retry-After hint. */
  msUntilNext(tenant: string, nowMs: number): number {
    const b = this.refill(tenant, nowMs);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / this.tps) * 1000);
  }

  private refill(tenant: string, nowMs: number) {
    let b = this.buckets.get(tenant);
    if (!b) {
      b = { tokens: this.burst, at: nowMs };
      this.buckets.set(tenant, b);
      return b;
    }
    // a clock that steps backwards (NTP) must not mint or burn tokens
    const elapsed = Math.max(0, nowMs - b.at);
    b.tokens = Math.min(this.burst, b.tokens + (elapsed / 1000) * this.tps);
    b.at = Math.max(b.at, nowMs);
    return b;
  }

  /** Forgets tenants whose bucket has refilled completely (they would start full anyway): bounded memory. */
  private sweep(nowMs: number) {
    if (nowMs - this.lastSweep < 60_000) return;
    this.lastSweep = nowMs;
    const fullAfterMs = (this.burst / this.tps) * 1000;
    for (const [tenant, b] of this.buckets) if (nowMs - b.at >= fullAfterMs) this.buckets.delete(tenant);
  }

  /** Number of tenants currently tracked (for tests and metrics). */
  get trackedTenants(): number {
    return this.buckets.size;
  }
}
