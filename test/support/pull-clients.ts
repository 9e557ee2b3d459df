import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A message as the Pub/Sub REST API and gcloud return it. */
export interface RestMessage {
  readonly ackId: string;
  readonly message: { readonly data?: string; readonly attributes?: Record<string, string>; readonly orderingKey?: string; readonly messageId?: string };
}

/**
 * Pulls over the emulator's REST API until `count` messages came, then for `settleMillis` more (to see any that
 * should not be there), acknowledging what it gets. Gives up after `timeoutMillis`.
 */
export async function restPull(emulatorHost: string, project: string, subscription: string, options: { count: number; settleMillis: number; timeoutMillis?: number }): Promise<RestMessage[]> {
  const base = `http://${emulatorHost}/v1/projects/${project}/subscriptions/${subscription}`;
  const post = (verb: string, body: unknown) => fetch(`${base}:${verb}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const received: RestMessage[] = [];
  const deadline = Date.now() + (options.timeoutMillis ?? 30_000);
  let settleUntil: number | undefined;
  while (Date.now() < (settleUntil ?? deadline)) {
    const response = await post('pull', { maxMessages: 10, returnImmediately: true });
    if (!response.ok) throw new Error(`REST pull of ${subscription} answered ${response.status}: ${await response.text()}`);
    const messages = ((await response.json()) as { receivedMessages?: RestMessage[] }).receivedMessages ?? [];
    received.push(...messages);
    if (messages.length > 0) await post('acknowledge', { ackIds: messages.map((m) => m.ackId) });
    if (settleUntil === undefined && received.length >= options.count) settleUntil = Date.now() + options.settleMillis;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return received;
}

/**
 * `gcloud pubsub subscriptions pull` against the emulator, with a configuration of its own and a placeholder
 * token (the emulator checks no credentials). One pull: call it once the messages are there (a pull of an empty
 * subscription waits for messages).
 */
export async function gcloudPull(emulatorHost: string, project: string, subscription: string): Promise<RestMessage[]> {
  const config = mkdtempSync(join(tmpdir(), 'gcloud-'));
  const tokenFile = join(config, 'token');
  writeFileSync(tokenFile, 'emulator');
  const env = {
    ...process.env,
    CLOUDSDK_CONFIG: config,
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: tokenFile,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB: `http://${emulatorHost}/`,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
  };
  try {
    const args = ['pubsub', 'subscriptions', 'pull', subscription, `--project=${project}`, '--auto-ack', '--limit=100', '--format=json'];
    const { stdout } = await promisify(execFile)('gcloud', args, { env, timeout: 60_000 });
    return JSON.parse(stdout || '[]') as RestMessage[];
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}
