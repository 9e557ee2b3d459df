import type { LocalPipeline } from '../runner';
import { startDashboard, type Dashboard } from './index';

/**
 * Starts the dashboard for `npm start`, unless it is switched off (`--no-dashboard` or DASHBOARD_PORT=off). A
 * dashboard that cannot start (its port taken) is reported and skipped: the pipeline runs on without it.
 */
export async function startDashboardUnlessOff(local: LocalPipeline, port: number | 'off'): Promise<Dashboard | undefined> {
  if (port === 'off') return undefined;
  try {
    return await startDashboard({ topology: local.topology, emulatorHost: local.emulator.hostPort, port });
  } catch (error) {
    process.stderr.write(`The dashboard did not start: ${(error as Error).message}\n`);
    return undefined;
  }
}
