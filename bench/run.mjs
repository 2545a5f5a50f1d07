#!/usr/bin/env node
// strdist benchmarks: every workload against its peers in one process.
//   node bench/run.mjs [--quick] [--only NAME[,NAME]] [--rounds N] [--out DIR]
// A full run writes bench/results/latest.{json,md}; --quick and --only write to
// bench/results/tmp/ (unless --out says otherwise), so they never replace a full run's figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    rounds: { type: 'string' },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/run.mjs [options]   (from the repository root: npm run bench -- [options])

  --quick          small data, one round: checks that every workload runs (not how fast)
  --only NAME      run only these workloads (repeatable or comma-separated; see --list)
  --rounds N       timed rounds per measurement (default 7, or 1 with --quick)
  --out DIR        where to write results (default bench/results, or bench/results/tmp
                   for --quick and --only runs)
  --list           list the workloads and exit`);
  process.exit(0);
}

// Collecting the heap before each timed run keeps one side's garbage off another's clock.
if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

// The peers live in bench/package.json, installed on first use.
function ensureBenchDependencies() {
  const { dependencies } = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  const missing = Object.keys(dependencies).filter((d) => !existsSync(join(benchDir, 'node_modules', d, 'package.json')));
  if (missing.length === 0) return;
  console.log(`bench: installing the peers (${missing.join(', ')}) in bench/ ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: benchDir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('bench: `npm install` in bench/ failed');
    process.exit(1);
  }
}
ensureBenchDependencies();

const { workloads } = await import('./workloads/index.mjs');
const { loadStrdist, repoRoot } = await import('./lib/strdist.mjs');
const { machineInfo } = await import('./lib/machine.mjs');
const { writeReport, printReport } = await import('./lib/report.mjs');

if (args.list) {
  for (const w of workloads) console.log(`${w.name.padEnd(12)} ${w.description}`);
  process.exit(0);
}

const only = args.only?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((n) => !workloads.some((w) => w.name === n)) ?? [];
if (unknown.length) {
  console.error(`bench: unknown workload(s) ${unknown.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}`);
  process.exit(2);
}
const selected = only ? workloads.filter((w) => only.includes(w.name)) : workloads;
const rounds = args.rounds ? Number(args.rounds) : args.quick ? 1 : 7;
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('bench: --rounds must be a positive integer');
  process.exit(2);
}

const started = Date.now();
let strdist;
try {
  strdist = await loadStrdist();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(1);
}

const ctx = {
  quick: args.quick,
  rounds,
  warmup: 1,
  strdist,
  groups: [],
  checks: [],
  tables: [],
  extra: {},
  log: (line) => console.log(line),
};

const machine = machineInfo(repoRoot);
const capability = strdist.capability;
console.log(`strdist benchmarks${args.quick ? ' (--quick: small data, one round; checks that every workload runs, not how fast)' : ''}`);
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.date}`);
if (machine.loadAverage > machine.cores / 4) {
  console.log(`warning: load average ${machine.loadAverage} on ${machine.cores} cores: other work is running, the figures will be noisy`);
}
console.log(`strdist ${capability.version}: backend ${strdist.backend}, CPU features [${capability.cpuFeatures.join(', ')}], PAIRWISE_JS_BELOW ${strdist.pairwiseJsBelow}`);
if (!strdist.native) console.log(`native addon not loaded: ${strdist.nativeUnavailable} (native-only rows are skipped)`);

for (const w of selected) {
  try {
    await w.run(ctx);
  } catch (err) {
    ctx.checks.push({ what: `workload ${w.name} ran`, ok: false, detail: err.stack ?? String(err) });
    console.error(`\nbench: workload ${w.name} failed:\n${err.stack ?? err}`);
  }
}

const report = {
  command: `node bench/run.mjs${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`,
  quick: args.quick,
  workloads: selected.map((w) => w.name),
  rounds,
  warmupRuns: ctx.warmup,
  machine,
  strdist: { backend: strdist.backend, pairwiseJsBelow: strdist.pairwiseJsBelow, nativeUnavailable: strdist.nativeUnavailable, capability },
  peers: peerVersions(),
  groups: ctx.groups,
  tables: ctx.tables,
  checks: ctx.checks,
  ...ctx.extra,
  elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
};

printReport(report);
const outDir = args.out ?? (args.quick || only ? join(benchDir, 'results', 'tmp') : join(benchDir, 'results'));
const base = args.quick ? 'quick' : only ? 'partial' : 'latest';
mkdirSync(outDir, { recursive: true });
const files = writeReport(report, outDir, base);
console.log(`\nwrote ${files.map((f) => relative(process.cwd(), f)).join(', ')} in ${report.elapsedSeconds} s`);

const failed = ctx.checks.filter((c) => !c.ok);
if (failed.length) {
  console.error(`\nbench: ${failed.length} check(s) failed: ${failed.map((c) => c.what).join('; ')}`);
  process.exit(1);
}

function peerVersions() {
  const { dependencies } = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  return Object.fromEntries(
    Object.keys(dependencies).map((d) => [d, JSON.parse(readFileSync(join(benchDir, 'node_modules', d, 'package.json'), 'utf8')).version]),
  );
}
