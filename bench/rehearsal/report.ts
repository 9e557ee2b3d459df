/**
 * The rehearsal's figures: a table for the terminal, bench/rehearsal.json and bench/rehearsal.md (which the
 * benchmark report includes). Targets are reported, never enforced: they depend on the machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COLD_START_TARGET_MS, LIGHT_ENTRY_POINTS, RSS_TARGET_SHARE } from './example';
import type { RehearsalResult } from './rehearse';

/** One function's figures. */
export interface FunctionFigures {
  readonly function: string;
  readonly entryPoint: string;
  readonly archive: string;
  readonly archiveKb: number;
  readonly installedMb: number;
  readonly listeningMs: number | null;
  readonly firstAnswerMs: number | null;
  readonly firstRequestMs: number | null;
  readonly coldStartTargetMs: number;
  readonly coldStartMet: boolean | null;
  readonly rssMb: number | null;
  readonly availableMemory: string;
  readonly rssShare: number | null;
  readonly memoryMet: boolean | null;
}

/** bench/rehearsal.json. */
export interface RehearsalFigures {
  readonly generatedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly loadAverage: readonly number[] };
  readonly durationSeconds: number;
  readonly synthSeconds?: number;
  readonly installs: ReadonlyArray<{ readonly archive: string; readonly command: string; readonly seconds: number; readonly archiveKb: number; readonly installedMb: number; readonly buildEnv: Readonly<Record<string, string>> }>;
  readonly network: { readonly allowed: readonly string[]; readonly refused: readonly string[] };
  readonly functions: readonly FunctionFigures[];
  readonly problems: readonly string[];
}

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;
const orNull = (value: number | undefined, digits = 0): number | null => (value === undefined || Number.isNaN(value) ? null : round(value, digits));

/** The figures of a rehearsal. */
export function rehearsalFigures(result: RehearsalResult, extra: { readonly synthMillis?: number } = {}): RehearsalFigures {
  return {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((l) => round(l, 2)) },
    durationSeconds: round(result.durationMillis / 1000, 1),
    ...(extra.synthMillis !== undefined ? { synthSeconds: round(extra.synthMillis / 1000, 1) } : {}),
    installs: result.installs.map((install) => ({
      archive: path.basename(install.archivePath),
      command: `npm ${install.command}`,
      seconds: round(install.installMillis / 1000, 1),
      archiveKb: round(install.archiveBytes / 1024),
      installedMb: round(install.installedBytes / 1024 ** 2),
      buildEnv: install.buildEnv,
    })),
    network: { allowed: result.networkAllowed, refused: result.networkRefused },
    functions: result.functions.map((run) => {
      const target = LIGHT_ENTRY_POINTS.includes(run.entryPoint) ? COLD_START_TARGET_MS.light : COLD_START_TARGET_MS.heavy;
      const share = run.rssAtFirstAnswerBytes === undefined ? null : round(run.rssAtFirstAnswerBytes / run.availableMemoryBytes, 3);
      return {
        function: run.name,
        entryPoint: run.entryPoint,
        archive: run.archive,
        archiveKb: round(run.archiveBytes / 1024),
        installedMb: round(run.installedBytes / 1024 ** 2),
        listeningMs: orNull(run.listeningMs),
        firstAnswerMs: orNull(run.firstAnswerMs),
        firstRequestMs: orNull(run.firstRequestMs),
        coldStartTargetMs: target,
        coldStartMet: run.firstAnswerMs === undefined ? null : run.firstAnswerMs <= target,
        rssMb: run.rssAtFirstAnswerBytes === undefined ? null : round(run.rssAtFirstAnswerBytes / 1024 ** 2),
        availableMemory: run.availableMemory,
        rssShare: share,
        memoryMet: share === null ? null : share < RSS_TARGET_SHARE,
      };
    }),
    problems: result.problems,
  };
}

const HEADER = ['function', 'archive KB', 'installed MB', 'listening ms', 'first answer ms (target)', 'first request ms', 'RSS MB / memory', 'RSS share'];

function rows(figures: RehearsalFigures): string[][] {
  const mark = (met: boolean | null) => (met === null ? '?' : met ? 'met' : 'MISSED');
  return figures.functions.map((f) => [
    f.function,
    String(f.archiveKb),
    String(f.installedMb),
    f.listeningMs === null ? '-' : String(f.listeningMs),
    f.firstAnswerMs === null ? '-' : `${f.firstAnswerMs} (≤ ${f.coldStartTargetMs}: ${mark(f.coldStartMet)})`,
    f.firstRequestMs === null ? '-' : String(f.firstRequestMs),
    `${f.rssMb ?? '-'} / ${f.availableMemory}`,
    f.rssShare === null ? '-' : `${Math.round(f.rssShare * 100)}% (< ${RSS_TARGET_SHARE * 100}%: ${mark(f.memoryMet)})`,
  ]);
}

/** The figures as an aligned plain-text table with the install lines, for the terminal. */
export function renderTable(figures: RehearsalFigures): string {
  const all = [HEADER, ...rows(figures)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  return [
    ...figures.installs.map((i) => `${i.command} ${i.archive}: ${i.seconds} s, ${i.archiveKb} KB → ${i.installedMb} MB, build env ${JSON.stringify(i.buildEnv)}`),
    `network during installs: ${figures.network.allowed.join(', ') || 'none'}; refused: ${figures.network.refused.join(', ') || 'none'}`,
    '',
    line(HEADER),
    ...all.slice(1).map(line),
    '',
    `rehearsal ${figures.durationSeconds} s${figures.synthSeconds !== undefined ? ` (synth ${figures.synthSeconds} s before it)` : ''}; ${figures.problems.length === 0 ? 'no functional problem' : `${figures.problems.length} problem(s):`}`,
    ...figures.problems.map((p) => `  - ${p}`),
  ].join('\n');
}

/** The figures as the markdown section the benchmark report includes. */
export function renderMarkdown(figures: RehearsalFigures): string {
  const table = [HEADER, HEADER.map(() => '---'), ...rows(figures)].map((row) => `| ${row.join(' | ')} |`).join('\n');
  return [
    '## Deploy rehearsal',
    '',
    `\`npm run rehearse\`, ${figures.generatedAt.slice(0, 10)}, ${figures.machine.cpus} CPUs, Node ${figures.machine.node}: the synthesised dev stack's archive`,
    'installed from the registry as the Node.js buildpack installs it, each function started alone with the stack\'s',
    'environment and sent one push request per case through its own push subscription on the emulator.',
    '"First answer" runs from the process\'s start to its first acknowledgement (the request is published as soon as',
    'the function listens, so it includes the emulator\'s push delay); "first request" is that request alone.',
    '',
    ...figures.installs.map((i) => `- \`${i.command}\` of ${i.archive} (${i.archiveKb} KB): ${i.seconds} s with an empty cache, ${i.installedMb} MB installed`),
    `- network during the install: ${figures.network.allowed.join(', ') || 'none'}; refused: ${figures.network.refused.join(', ') || 'none'}`,
    `- the whole rehearsal: ${figures.durationSeconds} s${figures.synthSeconds !== undefined ? ` after a ${figures.synthSeconds} s synth` : ''}; load average at its end ${figures.machine.loadAverage.join(' / ')} (the figures move with whatever else the machine runs)`,
    '',
    table,
    '',
  ].join('\n');
}

/** Writes rehearsal.json and rehearsal.md into `dir` (`npm run rehearse`: bench/; the deploy test: bench/out/, untracked). */
export function writeFigures(figures: RehearsalFigures, dir: string): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'rehearsal.json');
  const markdown = path.join(dir, 'rehearsal.md');
  fs.writeFileSync(json, `${JSON.stringify(figures, null, 2)}\n`);
  fs.writeFileSync(markdown, renderMarkdown(figures));
  return { json, markdown };
}
