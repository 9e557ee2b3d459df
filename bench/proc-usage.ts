import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU and memory of another process, read from Linux's /proc. */
export interface ProcessUsage {
  /** User plus system CPU time so far, all threads, in ms. */
  readonly cpuMillis: number;
  /** Resident set size now, bytes. */
  readonly rssBytes: number;
  /** Peak resident set size so far (VmHWM), bytes. */
  readonly peakRssBytes: number;
}

/** Clock ticks per second for /proc's utime and stime (almost always 100). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime+stime from /proc/<pid>/stat (fields 14 and 15, counted after the parenthesised command name, which may
 * itself hold spaces) and VmRSS/VmHWM from /proc/<pid>/status.
 */
export function readProcessUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { cpuMillis: (ticks * 1000) / CLOCK_TICKS, rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/** Usage of several processes added up (a pipeline's stage processes); processes already gone count 0. */
export function readTotalUsage(pids: readonly number[]): ProcessUsage {
  let cpuMillis = 0;
  let rssBytes = 0;
  let peakRssBytes = 0;
  for (const pid of pids) {
    try {
      const usage = readProcessUsage(pid);
      cpuMillis += usage.cpuMillis;
      rssBytes += usage.rssBytes;
      peakRssBytes += usage.peakRssBytes;
    } catch {
      // Exited.
    }
  }
  return { cpuMillis, rssBytes, peakRssBytes };
}

/**
 * Waits until the process has used less than `busyShare` of one core over `quietMillis` (or `maxMillis` have
 * passed): the work a load level left queued (a slow model's backlog of requests the load generator has already
 * given up on) then ends before the next figure is read, instead of being charged to it.
 */
export async function waitForIdle(pid: number, options: { quietMillis?: number; busyShare?: number; maxMillis?: number } = {}): Promise<void> {
  const quietMillis = options.quietMillis ?? 500;
  const busyShare = options.busyShare ?? 0.05;
  const deadline = Date.now() + (options.maxMillis ?? 60_000);
  let last = readProcessUsage(pid).cpuMillis;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMillis));
    const now = readProcessUsage(pid).cpuMillis;
    if (now - last < quietMillis * busyShare) return;
    last = now;
  }
}
