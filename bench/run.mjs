#!/usr/bin/env node
// strdist benchmarks: every workload against its peers in one process.
//   node bench/run.mjs [--quick] [--only NAME[,NAME]] [--rounds N] [--out DIR]
// A full run writes bench/results/latest.{json,md,svg}; --quick and --only write
// bench/results/tmp/{quick,partial}.{json,md,svg} (git-ignored; or to --out), so they never
// replace a full run's figures. Exits non-zero only when a check fails (a workload that throws,
// results that differ, a chart that does not render), never because of a figure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
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
  --out DIR        where to write results (default bench/results: latest.{json,md,svg};
                   --quick and --only runs: bench/results/tmp/{quick,partial}.{json,md,svg})
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

// The peers and the chart's renderer (vega, vega-lite) live in bench/package.json, installed
// on first use from bench/package-lock.json (npm ci), so every clone measures the same versions.
function ensureBenchDependencies() {
  const { dependencies } = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  const missing = Object.keys(dependencies).filter((d) => !existsSync(join(benchDir, 'node_modules', d, 'package.json')));
  if (missing.length === 0) return;
  const command = existsSync(join(benchDir, 'package-lock.json')) ? 'ci' : 'install';
  console.log(`bench: installing the peers and the chart renderer (${missing.join(', ')}) in bench/ (npm ${command}) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, [command, '--no-audit', '--no-fund'], { cwd: benchDir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench: \`npm ${command}\` in bench/ failed`);
    process.exit(1);
  }
}
ensureBenchDependencies();

const { workloads } = await import('./workloads/index.mjs');
const { loadStrdist, repoRoot } = await import('./lib/strdist.mjs');
const { machineInfo } = await import('./lib/machine.mjs');
const { writeReport, printReport, jsBelowText } = await import('./lib/report.mjs');
const { renderChart, peerPackages, packagesIn } = await import('./lib/chart.mjs');

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
console.log(`strdist ${capability.version}: backend ${strdist.backend}, CPU features [${capability.cpuFeatures.join(', ')}], PAIRWISE_JS_BELOW ${jsBelowText(strdist.pairwiseJsBelow)}`);
if (!strdist.native) console.log(`native addon not loaded: ${strdist.nativeUnavailable} (native-only rows are skipped)`);

for (const w of selected) {
  try {
    await w.run(ctx);
  } catch (err) {
    ctx.checks.push({ what: `workload ${w.name} ran`, ok: false, detail: err.stack ?? String(err) });
    console.error(`\nbench: workload ${w.name} failed:\n${err.stack ?? err}`);
  }
}

machine.loadAverageEnd = Math.round(os.loadavg()[0] * 100) / 100;
const versions = benchVersions();
const measuredPeers = new Set(ctx.groups.flatMap((g) => g.entries.flatMap((e) => packagesIn(e.name, peerPackages(versions)))));
const report = {
  command: `node bench/run.mjs${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`,
  quick: args.quick,
  workloads: selected.map((w) => w.name),
  rounds,
  warmupRuns: ctx.warmup,
  machine,
  strdist: { backend: strdist.backend, pairwiseJsBelow: strdist.pairwiseJsBelow, nativeUnavailable: strdist.nativeUnavailable, capability },
  /** The peer packages measured in this run, with their versions. */
  peers: Object.fromEntries([...measuredPeers].map((p) => [p, packageVersion(p)])),
  /** bench/package.json's dependencies: the peers and the chart's renderer. */
  benchDependencies: versions,
  groups: ctx.groups,
  tables: ctx.tables,
  checks: ctx.checks,
  ...ctx.extra,
  elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
};

// The chart: rendered here, so that a failure to draw it fails the run like any other check.
let svg = null;
try {
  const chart = await renderChart(report);
  svg = chart.svg;
  report.chart = { rows: chart.rows.length, renderer: `vega ${versions.vega}, vega-lite ${versions['vega-lite']} (SVG, headless)` };
  if (!svg) console.log('\nbench: no comparison with a peer in this run, so no chart');
} catch (err) {
  ctx.checks.push({ what: 'chart rendered', ok: false, detail: err.stack ?? String(err) });
  console.error(`\nbench: the chart failed to render:\n${err.stack ?? err}`);
}

printReport(report);
const outDir = args.out ?? (args.quick || only ? join(benchDir, 'results', 'tmp') : join(benchDir, 'results'));
const base = args.quick ? 'quick' : only ? 'partial' : 'latest';
mkdirSync(outDir, { recursive: true });
const files = writeReport(report, outDir, base, svg);
console.log(`\nwrote ${files.map((f) => relative(process.cwd(), f)).join(', ')} in ${report.elapsedSeconds} s`);

const failed = ctx.checks.filter((c) => !c.ok);
if (failed.length) {
  console.error(`\nbench: ${failed.length} check(s) failed: ${failed.map((c) => c.what).join('; ')}`);
  process.exit(1);
}

function benchVersions() {
  const { dependencies } = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  return Object.fromEntries(Object.keys(dependencies).map((d) => [d, packageVersion(d)]));
}

/** The installed version of a package: bench/'s own, else strdist's (bullmq). */
function packageVersion(name) {
  for (const dir of [join(benchDir, 'node_modules'), join(benchDir, '..', 'node_modules')]) {
    const file = join(dir, name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return null;
}
