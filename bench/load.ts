import autocannon, { type Client, type Result } from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Scenario } from './scenarios';

/** What one measured scenario gave. Latencies in milliseconds, memory in MB. */
export interface Measurement {
  requests: number;
  rps: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  peakRssMb: number | null;
}

/** Resident memory of a process in kB: /proc on Linux, `ps` elsewhere (macOS). */
export function rssKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    try {
      return Number(
        execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
          .toString()
          .trim(),
      );
    } catch {
      return null;
    }
  }
}

/** Samples a process's RSS every 100 ms and keeps the highest. */
function rssSampler(pid: number) {
  let peak = rssKb(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKb(pid) ?? 0);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, rssKb(pid) ?? 0);
      return peak ? Math.round((peak / 1024) * 10) / 10 : null;
    },
  };
}

/** One autocannon run: `connections` connections, no pipelining, each with its own requests. */
function fire(
  url: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<Result> {
  let next = 0;
  return autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    setupClient: (client: Client) => {
      client.setRequests(scenario.requestsFor(next++ % connections));
    },
  });
}

/** Called just before and just after the measured run (after the warm-up): the profiler. */
export interface MeasuredWindow {
  started(): Promise<void>;
  ended(): Promise<void>;
}

/**
 * Warms the route up (discarded), then measures it, sampling the RSS of the process that
 * serves it for the whole time.
 */
export async function measure(
  url: string,
  pid: number,
  scenario: Scenario,
  options: { connections: number; warmupSeconds: number; durationSeconds: number },
  window?: MeasuredWindow,
): Promise<Measurement> {
  const rss = rssSampler(pid);
  try {
    await fire(url, scenario, options.connections, options.warmupSeconds);
    await window?.started();
    const r = await fire(url, scenario, options.connections, options.durationSeconds);
    await window?.ended();
    const statusCodes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) {
      statusCodes[code] = Number((stat as { count: number | string }).count);
    }
    return {
      requests: r.requests.total,
      rps: Math.round(r.requests.total / r.duration),
      latency: {
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
        mean: Math.round(r.latency.average * 100) / 100,
      },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes,
      peakRssMb: rss.stop(),
    };
  } finally {
    rss.stop();
  }
}
