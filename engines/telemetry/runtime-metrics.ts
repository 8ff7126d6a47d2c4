/** The Temporal runtime's own Prometheus text (it serves it at `/metrics` on its address); empty when unreachable. */
export async function runtimeMetrics(address: string | undefined): Promise<string> {
  if (!address) return '';
  try {
    const r = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return r.ok ? await r.text() : '';
  } catch {
    return '';
  }
}
