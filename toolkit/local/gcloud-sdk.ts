import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** Where Google Cloud CLI installs usually live, after the one found through `gcloud` on PATH. */
const SDK_CANDIDATES = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk', join(homedir(), 'google-cloud-sdk')];

/** The first file named `command` on PATH, links resolved. */
export function whichSync(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

/** Google Cloud CLI roots on this machine, most likely first (the one `gcloud` on PATH belongs to). */
export function sdkRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const gcloud = whichSync('gcloud', env);
  const roots = gcloud ? [dirname(dirname(gcloud))] : [];
  return [...new Set([...roots, ...SDK_CANDIDATES])].filter((root) => existsSync(root));
}

/** Finds a file below `platform/` of an installed Google Cloud CLI, e.g. an emulator's launch script. */
export function findInSdk(relative: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const root of sdkRoots(env)) {
    const candidate = join(root, 'platform', relative);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
