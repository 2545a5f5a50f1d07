// The report: the summary on the terminal, and bench/results/<base>.{json,md,svg}.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPeer, peerPackages } from './chart.mjs';
import { duration, markdownTable, textTable, times } from './table.mjs';

export function methodText(report) {
  return (
    `Method: every competitor runs once untimed (warm-up), then ${report.rounds} round(s) in which each runs ` +
    `once, alternately, the starting one rotating each round (A B C, B C A, ...), with a garbage collection before ` +
    `each timed run (and, before an asynchronous one, 50 ms for the collector's background sweeping to end) and a ` +
    `separately compiled loop per competitor (so no call site turns megamorphic). ` +
    `Times are the median over the rounds. Ratio = other side's time / strdist's time, taken within each round (both ` +
    `sides under the same conditions) and the median of those per-round ratios reported, with their min-max: ` +
    `> 1 means strdist is faster, < 1 slower. Every result feeds a checksum, which must not change between runs; ` +
    `Levenshtein results are also compared pair by pair with the peers, and native with js (must be identical).`
  );
}

const HEADERS = ['workload', 'strdist', 'time', 'against', 'time', 'per', 'ratio', 'min–max', 'target', 'result'];

const targetText = (c) => (c.target == null ? '—' : `≥ ${c.target}x${c.stretch ? ` (stretch ${c.stretch}x)` : ''}`);

/** Plain words for one comparison: faster or slower (and by how much), and the target. */
export function outcome(c, { md = false } = {}) {
  const strong = (s) => (md ? `**${s}**` : s);
  const r = c.ratio;
  const parts = [];
  if (r.median < 1) {
    parts.push(`${strong('SLOWER')}: ${c.peer} ${times(1 / r.median)} faster${r.max > 1 ? ' (not in every round)' : ''}`);
  } else {
    parts.push(`faster${r.min < 1 ? ' (not in every round)' : ''}`);
  }
  if (c.target != null) parts.push(`target ${c.verdict === 'NOT MET' ? strong('NOT MET') : c.verdict}`);
  return parts.join('; ');
}

function comparisons(report) {
  return report.groups.filter((g) => g.inSummary).flatMap((g) => g.comparisons.map((c) => ({ ...c, title: g.title })));
}

/** The summary comparisons: against peer packages, and strdist against itself. */
export function splitComparisons(report) {
  const all = comparisons(report);
  const packages = peerPackages(report.benchDependencies);
  return { peers: all.filter((c) => isPeer(c.peer, packages)), self: all.filter((c) => !isPeer(c.peer, packages)) };
}

function rowsOf(cs, md) {
  return cs.map((c) => [
    c.title,
    c.subject,
    duration(c.subjectNs.median),
    c.peer,
    duration(c.peerNs.median),
    c.unit.replace(/^ns\//, ''),
    times(c.ratio.median),
    `${times(c.ratio.min)}–${times(c.ratio.max)}`,
    targetText(c),
    outcome(c, { md }),
  ]);
}

/** Every comparison against a peer in which strdist is slower (median ratio < 1). */
export function losses(report) {
  return splitComparisons(report).peers.filter((c) => c.ratio.median < 1).map((c) => ({
    workload: c.title,
    subject: c.subject,
    peer: c.peer,
    ratio: c.ratio.median,
    subjectNs: c.subjectNs.median,
    peerNs: c.peerNs.median,
    unit: c.unit,
  }));
}

/**
 * Every figure with a target: the comparisons that have one, and the rows of workload tables
 * with `target` and `result` columns (the search table: ms per query, speedups, memory).
 */
export function targets(report) {
  const out = [];
  for (const g of report.groups) {
    for (const c of g.comparisons.filter((c) => c.target != null)) {
      out.push({
        workload: g.title,
        figure: `${c.peer} time / ${c.subject} time`,
        measured: times(c.ratio.median),
        target: targetText(c),
        result: c.verdict,
      });
    }
  }
  for (const t of report.tables) {
    const col = (name) => t.headers.findIndex((h) => h.toLowerCase() === name);
    const [ti, ri, wi, fi, vi] = ['target', 'result', 'workload', 'figure', 'value'].map(col);
    if (ti < 0 || ri < 0) continue;
    for (const row of t.rows) {
      if (row[ti] === '—' || row[ti] == null || row[ti] === '') continue;
      const rest = row.filter((_, i) => ![ti, ri, wi, vi].includes(i));
      // A table may repeat a comparison's ratio (the search table does): keep it once.
      const measured = vi >= 0 ? row[vi] : '';
      if (out.some((o) => !o.table && o.target === row[ti] && o.measured === measured && o.result === row[ri])) continue;
      // Without a workload column, the table's title and its first column ("part") say where.
      const where = wi >= 0 ? row[wi] : ![fi, vi, ti, ri].includes(0) ? `${t.title}: ${row[0]}` : t.title;
      out.push({
        workload: where,
        figure: fi >= 0 ? row[fi] : rest.join(', '),
        measured,
        target: row[ti],
        result: row[ri],
        table: t.title,
      });
    }
  }
  return out;
}

function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}-${m.arch} (${m.osRelease}), 1-min load average ${m.loadAverage} at start${m.loadAverageEnd != null ? `, ${m.loadAverageEnd} at the end` : ''}`;
}

/** PAIRWISE_JS_BELOW: one length, or one per metric ({ levenshtein: 65, jaro: 33 }). */
export function jsBelowText(v) {
  return v !== null && typeof v === 'object' ? Object.entries(v).map(([k, n]) => `${k} ${n}`).join(', ') : String(v);
}

function strdistLine(r) {
  const c = r.strdist.capability;
  return `strdist ${c.version}, backend ${r.strdist.backend}, CPU features [${c.cpuFeatures.join(', ')}], PAIRWISE_JS_BELOW ${jsBelowText(r.strdist.pairwiseJsBelow)}`;
}

const commitText = (m) => `${m.gitCommit ?? 'none'}${m.gitDirty ? ' (uncommitted changes)' : ''}`;

/** Targets met: a result of exactly 'met' (not 'NOT MET', not 'unclear', not 'info'). */
const metCount = (ts) => ts.filter((t) => t.result === 'met').length;

const TARGET_HEADERS = ['workload', 'figure', 'measured', 'target', 'result'];
const targetRows = (ts, md) =>
  ts.map((t) => [t.workload, t.figure, t.measured, t.target, md && (t.result === 'NOT MET' || t.result === 'unclear') ? `**${t.result}**` : t.result]);
const lossLine = (l) =>
  `${l.workload}: ${l.subject} ${duration(l.subjectNs)} vs ${l.peer} ${duration(l.peerNs)} per ${l.unit.replace(/^ns\//, '')}: ` +
  `ratio ${times(l.ratio)}, ${l.peer} is ${times(1 / l.ratio)} faster`;

export function printReport(report) {
  const { peers, self } = splitComparisons(report);
  console.log(`\n${'='.repeat(100)}\nSummary (${report.quick ? 'QUICK run: small data, one round; figures are not meaningful' : 'full run'})`);
  console.log(`machine: ${machineLine(report.machine)}; Node ${report.machine.node}; ${report.machine.date}; git ${commitText(report.machine)}`);
  console.log(strdistLine(report));
  console.log(`\nstrdist against its peers (ratio = peer time / strdist time; > 1: strdist faster)\n${textTable(HEADERS, rowsOf(peers))}`);
  if (self.length) console.log(`\nstrdist against itself (kernels, threads, pruning)\n${textTable(HEADERS, rowsOf(self))}`);
  for (const t of report.tables) {
    console.log(`\n${t.title}\n${textTable(t.headers, t.rows)}`);
    if (t.note) console.log(t.note);
  }
  const ls = losses(report);
  console.log(`\nwhere strdist is slower than a peer: ${ls.length ? '' : 'nowhere in this run'}`);
  for (const l of ls) console.log(`  ${lossLine(l)}`);
  const ts = targets(report);
  console.log(`\ntargets: ${metCount(ts)} of ${ts.length} met\n${textTable(TARGET_HEADERS, targetRows(ts))}`);
  const failed = report.checks.filter((c) => !c.ok);
  console.log(`\nchecks: ${report.checks.length - failed.length} of ${report.checks.length} passed`);
  for (const c of failed) console.log(`  FAIL ${c.what}: ${c.detail}`);
  console.log(`\n${methodText(report)}`);
}

export function markdown(report, { svgFile } = {}) {
  const m = report.machine;
  const { peers, self } = splitComparisons(report);
  const ls = losses(report);
  const ts = targets(report);
  const lines = [
    `# strdist benchmark results${report.quick ? ' (QUICK run: small data, one round; figures not meaningful)' : ''}`,
    '',
    `- Command: \`${report.command}\` (${report.rounds} round(s) after a warm-up run; from the repository root: \`npm run bench\`)`,
    `- Date: ${m.date}`,
    `- Commit: ${commitText(m)}`,
    `- Machine: ${machineLine(m)}`,
    `- Node: ${m.node} (V8 ${m.v8})`,
    `- ${strdistLine(report)}`,
    `- Peers: ${Object.entries(report.peers).map(([n, v]) => `${n} ${v}`).join(', ')}`,
    `- Data: Debian's wamerican word lists and seeded random strings (bench/lib/data.mjs)`,
    `- Workloads: ${report.workloads.join(', ')}; ${report.elapsedSeconds} s`,
    '',
  ];
  if (svgFile) {
    lines.push(`![strdist against its peers: peer time / strdist time per workload, log scale](${svgFile})`, '');
  }
  lines.push(
    '## strdist against its peers',
    '',
    'Ratio = peer time / strdist time: > 1 means strdist is faster, < 1 that it is slower (the result column says so).',
    '',
    markdownTable(HEADERS, rowsOf(peers, true)),
    '',
    '### Where strdist is slower than a peer',
    '',
    ...(ls.length ? ls.map((l) => `- ${lossLine(l)}`) : ['Nowhere in this run.']),
  );
  if (self.length) {
    lines.push(
      '',
      '## strdist against itself: kernels, threads, pruning',
      '',
      'Ratio = the second side\'s time / the first side\'s time.',
      '',
      markdownTable(HEADERS, rowsOf(self, true)),
    );
  }
  for (const t of report.tables) {
    lines.push('', `## ${t.title}`, '', markdownTable(t.headers, t.rows));
    if (t.note) lines.push('', t.note);
  }
  lines.push('', '## Targets', '', `${metCount(ts)} of ${ts.length} met.`, '', markdownTable(TARGET_HEADERS, targetRows(ts, true)));
  const failed = report.checks.filter((c) => !c.ok);
  lines.push('', '## Checks', '', `${report.checks.length - failed.length} of ${report.checks.length} passed.`);
  for (const c of report.checks.filter((c) => !c.ok || c.mismatches)) {
    lines.push(`- ${c.ok ? 'ok' : '**FAIL**'} ${c.what}: ${c.detail}${c.ok ? ' (peer definition differs; information only)' : ''}`);
  }
  lines.push('', methodText(report), '');
  return lines.join('\n');
}

/**
 * Writes <base>.json, <base>.md and, when there is a chart, <base>.svg (otherwise removes an
 * older <base>.svg, so a chart never sits next to figures it was not drawn from).
 */
export function writeReport(report, dir, base, svg) {
  const json = join(dir, `${base}.json`);
  const md = join(dir, `${base}.md`);
  const svgPath = join(dir, `${base}.svg`);
  report.losses = losses(report);
  report.targets = targets(report);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdown(report, { svgFile: svg ? `${base}.svg` : null }));
  if (svg) {
    writeFileSync(svgPath, svg.endsWith('\n') ? svg : `${svg}\n`);
    return [json, md, svgPath];
  }
  rmSync(svgPath, { force: true });
  return [json, md];
}
