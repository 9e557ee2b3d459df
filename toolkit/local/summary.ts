import type { LocalPipeline } from './runner';

/** The banner `npm start` prints: what runs where, and how to publish and watch. */
export function describeLocalPipeline(local: LocalPipeline, dashboardUrl?: string): string {
  const { topology } = local;
  const ingress = topology.topics[topology.ingress];
  const lines = [
    '',
    `Local pipeline ready in ${(local.startupMillis / 1000).toFixed(1)} s (project ${topology.project}${topology.prefix ? `, prefix ${topology.prefix}` : ''}).`,
    `  Pub/Sub emulator   ${local.emulator.hostPort}${local.emulator.started ? ` (pid ${local.emulator.process?.pid})` : ' (reused)'}`,
    local.firestore
      ? `  Firestore emulator ${local.firestore.hostPort}${local.firestore.started ? ` (pid ${local.firestore.process?.pid})` : ' (reused)'}  idempotency records`
      : '  idempotency        in memory or off (IDEMPOTENCY_STORE), no Firestore emulator',
  ];
  for (const server of local.servers) {
    const stage = topology.stages[server.stage];
    const subscription = stage ? topology.subscriptions[stage.subscription] : undefined;
    lines.push(`  stage ${server.stage.padEnd(12)} ${local.endpoints[server.stage] ?? server.url}${stage?.pushPath ?? ''}  ← ${subscription?.name ?? '?'}${subscription?.filter ? ` [${subscription.filter}]` : ''}`);
  }
  lines.push('  topics:');
  for (const topic of Object.values(topology.topics)) lines.push(`    ${topic.name.padEnd(28)} ${topic.role}`);
  lines.push('  pull subscriptions:');
  for (const subscription of Object.values(topology.subscriptions).filter((s) => s.kind === 'pull')) {
    lines.push(`    ${subscription.key.padEnd(12)} ${subscription.name.padEnd(28)} ${subscription.filter || '(all)'}`);
  }
  lines.push(
    '',
    ...(dashboardUrl ? [`Dashboard (live):            ${dashboardUrl}`] : []),
    `Publish (another terminal):  npm run cli -- publish "I love this, it works perfectly"`,
    `Watch results:               npm run cli -- tail results`,
    `Dead letters:                npm run cli -- dlq list   (replay: dlq replay --all)`,
    `Other clients:               export PUBSUB_EMULATOR_HOST=${local.emulator.hostPort}   (topic ${ingress?.name})`,
    'Stop with Ctrl-C.',
  );
  return lines.join('\n');
}
