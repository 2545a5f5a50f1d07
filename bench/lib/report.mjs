// The report: the summary table on the terminal, and bench/results/<base>.{json,md}.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, ns, textTable, times } from './table.mjs';

export function methodText(report) {
  return (
    `Method: every competitor runs once untimed (warm-up), then ${report.rounds} round(s) in which each runs ` +
    `once, alternately, the starting one rotating each round (A B C, B C A, ...), with a garbage collection before ` +
    `each timed run and a separately compiled loop per competitor (so no call site turns megamorphic). ` +
    `ns/op is the median over the rounds. Ratio = peer time / strdist time, taken within each round (both sides ` +
    `under the same conditions) and the median of those per-round ratios reported, with their min-max: ` +
    `> 1 means strdist is faster. Every result feeds a checksum, which must not change between runs; Levenshtein ` +
    `results are also compared pair by pair with the peers, and native with js (must be identical).`
  );
}

const HEADERS = ['workload', 'strdist', 'ns/op', 'peer', 'peer ns/op', 'ratio', 'ratio range', 'target', 'result'];

export function summaryRows(report) {
  return report.groups
    .filter((g) => g.inSummary)
    .flatMap((g) =>
      g.comparisons.map((c) => [
        g.title,
        c.subject,
        ns(c.subjectNs.median),
        c.peer,
        ns(c.peerNs.median),
        times(c.ratio.median),
        `${times(c.ratio.min)}–${times(c.ratio.max)}`,
        c.target == null ? '—' : `≥ ${c.target}x${c.stretch ? ` (stretch ${c.stretch}x)` : ''}`,
        c.verdict,
      ]),
    );
}

function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}-${m.arch} (${m.osRelease}), load average ${m.loadAverage} at start; Node ${m.node}; ${m.date}; git ${m.gitCommit ?? 'none'}${m.gitDirty ? ' (uncommitted changes)' : ''}`;
}

function strdistLine(r) {
  const c = r.strdist.capability;
  return `strdist ${c.version}, backend ${r.strdist.backend}, CPU features [${c.cpuFeatures.join(', ')}], PAIRWISE_JS_BELOW ${r.strdist.pairwiseJsBelow}`;
}

export function printReport(report) {
  console.log(`\n${'='.repeat(100)}\nSummary (${report.quick ? 'QUICK run: small data, one round; figures are not meaningful' : 'full run'})`);
  console.log(`machine: ${machineLine(report.machine)}`);
  console.log(strdistLine(report));
  console.log(`\n${textTable(HEADERS, summaryRows(report))}`);
  for (const t of report.tables) {
    console.log(`\n${t.title}\n${textTable(t.headers, t.rows)}`);
    if (t.note) console.log(t.note);
  }
  const failed = report.checks.filter((c) => !c.ok);
  console.log(`\nchecks: ${report.checks.length - failed.length} of ${report.checks.length} passed`);
  for (const c of failed) console.log(`  FAIL ${c.what}: ${c.detail}`);
  console.log(`\n${methodText(report)}`);
}

export function markdown(report) {
  const lines = [
    `# strdist benchmark results${report.quick ? ' (quick run: figures not meaningful)' : ''}`,
    '',
    `- Command: \`${report.command}\` (from the repository root: \`npm run bench\`)`,
    `- Machine: ${machineLine(report.machine)}`,
    `- ${strdistLine(report)}`,
    `- Peers: ${Object.entries(report.peers).map(([n, v]) => `${n} ${v}`).join(', ')}`,
    `- Data: Debian's wamerican word list and seeded random strings (bench/lib/data.mjs)`,
    '',
    markdownTable(HEADERS, summaryRows(report)),
  ];
  for (const t of report.tables) {
    lines.push('', `## ${t.title}`, '', markdownTable(t.headers, t.rows));
    if (t.note) lines.push('', t.note);
  }
  const failed = report.checks.filter((c) => !c.ok);
  lines.push('', '## Checks', '', `${report.checks.length - failed.length} of ${report.checks.length} passed.`);
  for (const c of report.checks.filter((c) => !c.ok || c.mismatches)) {
    lines.push(`- ${c.ok ? 'ok' : '**FAIL**'} ${c.what}: ${c.detail}${c.ok ? ' (peer definition differs; information only)' : ''}`);
  }
  lines.push('', methodText(report), '');
  return lines.join('\n');
}

export function writeReport(report, dir, base) {
  const json = join(dir, `${base}.json`);
  const md = join(dir, `${base}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdown(report));
  return [json, md];
}
