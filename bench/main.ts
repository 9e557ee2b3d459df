/**
 * `npm run bench` (`npm run bench -- --quick` for a run of a few minutes): measures, in one run,
 *   a. each model's best raw throughput in process (batch sizes, backends, threads),
 *   b. each stage's HTTP server under concurrent push requests, without the emulator,
 *   c. the classify stage written the way Google's samples write a function (the baseline),
 *   d. the text path of the pipeline through the emulator, in push and in pull delivery,
 *   e. the cost of seeing: tracing and metrics CPU per message on the light stages (bench/observability.ts),
 * and writes bench/report.json, bench/report.md and bench/chart.svg, printing each target met or missed.
 * Every load loop stops by itself (by count and by time) and sends traffic to loopback addresses only.
 * Options: --quick, --only raw,server,baseline,pipeline,observability (sections to run), --stages onnx,ocr (stages to
 * measure, with their models; all when absent), --out DIR.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPubSubEmulator } from '../toolkit/local/pubsub-emulator';
import { pipeline } from '../functions/pipeline';
import { benchBaseline } from './baseline';
import { chartRows, chartSpec, renderSvg } from './chart';
import { memoryGiB, messageBytes, stageCostPerMillion } from './cost';
import { benchObservability } from './observability';
import { observabilityTargets, type ObservabilityReport } from './observability-report';
import { benchPipeline } from './pipeline';
import { CLOUD_RUN_FUNCTIONS_TIER1, PRICES_READ_ON, PUBSUB_THROUGHPUT } from './prices';
import { benchRawModels, MODEL_BENCHES } from './raw-models';
import { benchReportSchema, bestServerRun, computeTargets, describeTarget, renderMarkdown, type BenchReport, type PipelineRun, type RawModelReport, type ServerRun, type StageReport } from './report';
import { stageSample } from './samples';
import { benchStageServer } from './stage-server';

const SECTIONS = ['raw', 'server', 'baseline', 'pipeline', 'observability'] as const;
type Section = (typeof SECTIONS)[number];

/** Stages the sample-style baseline is run against (the heavy, batching one; every stage with --only baseline in a full run). */
const BASELINE_STAGES = ['classify'] as const;

function log(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  // Against the emulator there is no metadata server; without this the client probes for one and warns.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, stages: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const quick = values.quick;
  const only = new Set((values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()));
  for (const section of only) if (!(SECTIONS as readonly string[]).includes(section)) throw new Error(`--only ${section}: expected some of ${SECTIONS.join(', ')}`);
  const runs = (section: Section): boolean => only.has(section);
  const outDir = values.out ?? __dirname;
  const started = Date.now();
  const load = loadavg().map((v) => Math.round(v * 100) / 100);
  log(`benchmark${quick ? ' (quick)' : ''}: ${cpus().length} CPUs, load average ${load.join(' / ')}, ${Math.round(freemem() / 2 ** 30)} GB free`);

  // a. Models in process.
  const allStages: readonly string[] = pipeline.stageKeys;
  const stageKeys = values.stages === undefined ? allStages : values.stages.split(',').map((s) => s.trim());
  for (const key of stageKeys) if (!allStages.includes(key)) throw new Error(`--stages ${key}: expected some of ${allStages.join(', ')}`);
  const models = MODEL_BENCHES.filter((m) => [...m.stages, ...(m.decodingReferenceFor ?? [])].some((stage) => stageKeys.includes(stage))).map((m) => m.model);
  const raw: RawModelReport[] = runs('raw') ? await benchRawModels({ quick, log, models }) : [];

  // b. Stage servers; c. the baseline.
  const topology = pipeline.compile({ project: 'bench-project' });
  const stages: StageReport[] = [];
  for (const key of stageKeys) {
    const notes: string[] = [];
    const model = raw.find((m) => m.stages.includes(key));
    const decodingReference = raw.find((m) => MODEL_BENCHES.find((b) => b.model === m.model)?.decodingReferenceFor?.includes(key));
    let server: ServerRun[] | undefined;
    let baseline: ServerRun | undefined;
    if (!stageSample(key, 0)) notes.push('no sample input in bench/samples.ts: server not measured');
    else {
      if (runs('server')) {
        try {
          server = await benchStageServer(key, { quick, log });
        } catch (error) {
          notes.push(`server not measured: ${firstLine(error)}`);
          log(`server ${key}: ${firstLine(error)}`);
        }
      }
      if (runs('baseline') && ((BASELINE_STAGES as readonly string[]).includes(key) || (!quick && only.size === 1))) {
        try {
          baseline = await benchBaseline(key, { quick, log });
        } catch (error) {
          notes.push(`baseline not measured: ${firstLine(error)}`);
          log(`baseline ${key}: ${firstLine(error)}`);
        }
      }
    }
    if (runs('raw') && !model) notes.push('no raw model benchmark for this stage (bench/raw-models.ts)');
    const best = server ? bestServerRun({ name: key, server, notes: [] }) : undefined;
    const compiled = topology.stages[key];
    const sample = stageSample(key, 0);
    const costPerMillion =
      best && best.perSec > 0 && compiled && sample
        ? stageCostPerMillion({
            perSecond: best.perSec,
            vCpu: Number(compiled.availableCpu),
            memoryGiB: memoryGiB(compiled.availableMemory),
            inBytes: messageBytes(sample.data, sample.attributes),
            outBytes: best.meanPublishedBytes ?? 0,
          })
        : undefined;
    stages.push({
      name: key,
      model: model?.model,
      rawPerSec: model?.best?.perSec,
      rawCpuMsPerMsg: model?.best?.cpuMsPerMsg,
      rawDecodingPerSec: decodingReference?.best?.perSec,
      rawDecodingCpuMsPerMsg: decodingReference?.best?.cpuMsPerMsg,
      serverPerSec: best?.perSec,
      baselinePerSec: baseline?.perSec,
      cpuMsPerMsg: best?.cpuMsPerMsg,
      peakRssMb: server ? Math.max(...server.map((r) => r.peakRssMb)) : undefined,
      server,
      baseline,
      costPerMillion,
      notes,
    });
  }

  // d. The pipeline through the emulator.
  const messages = quick ? 200 : 2_000;
  let push: PipelineRun | undefined;
  let pull: PipelineRun | undefined;
  if (runs('pipeline')) {
    const emulator = await startPubSubEmulator({ javaOptions: '-Xmx512m' });
    try {
      for (const delivery of ['push', 'pull'] as const) {
        try {
          const run = await benchPipeline({ delivery, emulatorHost: emulator.hostPort, messages, timeoutMillis: quick ? 90_000 : 600_000, log });
          if (delivery === 'push') push = run;
          else pull = run;
        } catch (error) {
          log(`pipeline ${delivery}: ${firstLine(error)}`);
        }
      }
    } finally {
      await emulator.stop();
    }
  }
  const pipelineReport: BenchReport['pipeline'] = {
    textMessages: messages,
    pushPerSec: push && !push.error ? push.perSec : null,
    pullPerSec: pull && !pull.error ? pull.perSec : null,
    push,
    pull,
  };

  // e. The cost of seeing: tracing and metrics per message on the light stages.
  let observability: ObservabilityReport | undefined;
  if (runs('observability')) {
    try {
      observability = await benchObservability({ quick, log });
    } catch (error) {
      log(`observability: ${firstLine(error)}`);
    }
  }

  const report = benchReportSchema.parse({
    generatedAt: new Date().toISOString(),
    quick,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: load },
    prices: { readOn: PRICES_READ_ON, sources: [CLOUD_RUN_FUNCTIONS_TIER1.source, PUBSUB_THROUGHPUT.source] },
    raw,
    stages,
    pipeline: pipelineReport,
    targets: [...computeTargets(stages, pipelineReport), ...observabilityTargets(observability)],
    observability,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  });
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  // The deploy rehearsal's figures (npm run rehearse, or the deploy tests) join the report when they exist.
  const rehearsal = join(__dirname, 'rehearsal.md');
  writeFileSync(join(outDir, 'report.md'), renderMarkdown(report, existsSync(rehearsal) ? [readFileSync(rehearsal, 'utf8')] : []));
  writeFileSync(join(outDir, 'chart.svg'), `${await renderSvg(chartSpec(`Pipeline benchmark${quick ? ' (quick)' : ''}`, chartRows(report)))}\n`);

  log(`wrote ${join(outDir, 'report.json')}, report.md and chart.svg in ${report.durationSeconds} s`);
  process.stdout.write('\nStage        raw/s     server/s  baseline/s  server CPU ms/msg  $/million\n');
  for (const s of report.stages) {
    process.stdout.write(`${s.name.padEnd(12)} ${num(s.rawPerSec).padStart(8)} ${num(s.serverPerSec).padStart(10)} ${num(s.baselinePerSec).padStart(11)} ${num(s.cpuMsPerMsg).padStart(18)} ${(s.costPerMillion ? s.costPerMillion.totalUsd.toFixed(2) : '').padStart(10)}\n`);
  }
  process.stdout.write(`Pipeline (text path, ${messages} msgs): push ${num(pipelineReport.pushPerSec)}/s, pull ${num(pipelineReport.pullPerSec)}/s\n\nTargets:\n`);
  for (const target of report.targets) process.stdout.write(`  ${describeTarget(target)}\n`);
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
