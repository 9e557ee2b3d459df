import { startProcess, waitUntil } from '../../../toolkit/local/processes';

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A shell that starts a grandchild in the same group, prints its pid, and (optionally) ignores SIGTERM. */
function startFamily(ignoreTerm: boolean) {
  const script = `${ignoreTerm ? "trap '' TERM; " : ''}sleep 600 & echo "grandchild $!"; wait`;
  return startProcess('family', 'sh', ['-c', script]);
}

async function grandchildPid(output: () => string): Promise<number> {
  await waitUntil('grandchild', async () => /grandchild \d+/.test(output()), { timeoutMillis: 5_000, intervalMillis: 20 });
  return Number(/grandchild (\d+)/.exec(output())![1]);
}

describe('startProcess', () => {
  it('kill() ends the whole process group at once, grandchildren included', async () => {
    const family = startFamily(true);
    const grandchild = await grandchildPid(family.output);

    const started = Date.now();
    await family.kill();

    expect(Date.now() - started).toBeLessThan(2_000);
    await waitUntil('grandchild gone', async () => !alive(grandchild), { timeoutMillis: 2_000, intervalMillis: 20 });
    expect(alive(family.pid)).toBe(false);
  });

  it('stop() asks with SIGTERM and escalates to SIGKILL after the grace period for a process that ignores it', async () => {
    const family = startFamily(true);
    const grandchild = await grandchildPid(family.output);

    const started = Date.now();
    await family.stop(300);

    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await waitUntil('grandchild gone', async () => !alive(grandchild), { timeoutMillis: 2_000, intervalMillis: 20 });
  });

  it('stop() after kill() resolves without signalling again', async () => {
    const family = startFamily(false);
    await grandchildPid(family.output);
    await family.kill();
    await expect(family.stop()).resolves.toBeUndefined();
    await expect(family.exited).resolves.toBeNull();
  });
});
