/** The value below which `p` (0..1) of the sorted samples fall (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The median (nearest rank), the figure every table reports. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** Latency figures of one set of timings, in milliseconds. */
export interface Latency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Summarise timings (ms). */
export function latency(samples: readonly number[]): Latency {
  return {
    samples: samples.length,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    max: percentile(samples, 1),
  };
}

/** Time `fn` once, in milliseconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}
