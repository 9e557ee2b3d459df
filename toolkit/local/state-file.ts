import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * Where `npm start` records what it runs, so that the command line in another terminal finds the emulator
 * without anyone exporting PUBSUB_EMULATOR_HOST. Removed again when the runner stops.
 */
export const LOCAL_STATE_FILE = join(__dirname, '..', '..', '.local', 'pipeline.json');

/** The contents of the state file. */
export const localStateSchema = z.object({
  emulatorHost: z.string(),
  project: z.string(),
  prefix: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  stages: z.record(z.string(), z.string()),
});

/** What a running `npm start` recorded. */
export type LocalState = z.infer<typeof localStateSchema>;

/** Records the running pipeline. */
export function writeLocalState(state: LocalState, file = LOCAL_STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The recorded pipeline, if one is recorded and its runner process is still alive. */
export function readLocalState(file = LOCAL_STATE_FILE): LocalState | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = localStateSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch {
    return undefined; // A runner that died without cleaning up.
  }
  return parsed.data;
}

/** Removes the record, if it is ours. */
export function removeLocalState(pid = process.pid, file = LOCAL_STATE_FILE): void {
  try {
    const state = localStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    if (state.pid === pid) rmSync(file);
  } catch {
    // Nothing recorded.
  }
}
