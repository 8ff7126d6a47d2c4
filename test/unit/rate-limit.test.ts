import { describe, expect, it } from 'vitest';
import { TenantRateLimiter } from '../../api/rate-limit.ts';

const takeN = (l: TenantRateLimiter, tenant: string, n: number, now: number) =>
  Array.from({ length: n }, () => l.tryTake(tenant, now)).filter(Boolean).length;

describe('TenantRateLimiter (token bucket, injected clock)', () => {
  it('allows a burst, then refills at tps', () => {
    const l = new TenantRateLimiter({ tps: 10 });
    expect(l.burst).toBe(10);
    expect(takeN(l, 'a', 15, 0)).toBe(10);
    expect(l.tryTake('a', 50)).toBe(false); // half a token
    expect(l.tryTake('a', 100)).toBe(true); // one token after 100 ms
    expect(l.tryTake('a', 100)).toBe(false);
    expect(takeN(l, 'a', 20, 1100)).toBe(10); // a full second refills a full burst, never more
  });

  it('keeps the long-run rate at tps', () => {
    const l = new TenantRateLimiter({ tps: 5, burst: 5 });
    let ok = 0;
    for (let t = 0; t <= 10_000; t += 10) if (l.tryTake('t', t)) ok++;
    expect(ok).toBe(5 + 50); // initial burst + 5/s for 10 s
  });

  it('isolates tenants', () => {
    const l = new TenantRateLimiter({ tps: 1, burst: 2 });
    expect(takeN(l, 'noisy', 5, 0)).toBe(2);
    expect(takeN(l, 'quiet', 2, 0)).toBe(2);
    expect(l.tryTake('noisy', 10)).toBe(false);
  });

  it('supports fractional tps and an explicit burst', () => {
    const l = new TenantRateLimiter({ tps: 0.5, burst: 1 });
    expect(l.tryTake('x', 0)).toBe(true);
    expect(l.tryTake('x', 1999)).toBe(false);
    expect(l.msUntilNext('x', 1999)).toBe(1);
    expect(l.tryTake('x', 2000)).toBe(true);
    expect(l.msUntilNext('x', 2000)).toBe(2000);
    expect(new TenantRateLimiter({ tps: 0.2 }).burst).toBe(1);
  });

  it('survives a clock that goes backwards', () => {
    const l = new TenantRateLimiter({ tps: 1, burst: 1 });
    expect(l.tryTake('x', 10_000)).toBe(true);
    expect(l.tryTake('x', 5_000)).toBe(false); // no tokens minted by the jump back
    expect(l.tryTake('x', 10_999)).toBe(false);
    expect(l.tryTake('x', 11_000)).toBe(true);
  });

  it('forgets idle tenants so memory stays bounded', () => {
    const l = new TenantRateLimiter({ tps: 10 });
    for (let i = 0; i < 1000; i++) l.tryTake(`tenant-${i}`, 0);
    expect(l.trackedTenants).toBe(1000);
    l.tryTake('late', 120_000);
    expect(l.trackedTenants).toBe(1);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TenantRateLimiter({ tps: 0 })).toThrow(/tps must be a positive number/);
    expect(() => new TenantRateLimiter({ tps: Number.NaN })).toThrow(/tps/);
    expect(() => new TenantRateLimiter({ tps: 1, burst: 0 })).toThrow(/burst must be at least 1/);
  });
});
