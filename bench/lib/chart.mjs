// The chart: per workload, peer time / strdist time for every comparison with a peer package,
// as horizontal bars from the 1x line on a log scale (right of it: strdist faster; left of it:
// strdist slower), with the min-max over rounds and the target where a workload has one.
// A vega-lite spec compiled to vega and rendered to SVG headless (no browser, no canvas:
// without node-canvas vega estimates text widths, so labels get generous room).
import { times } from './table.mjs';

/** bench/package.json's dependencies that draw the chart: not peers. */
export const CHART_DEPENDENCIES = ['vega', 'vega-lite'];
/** Peers that are strdist's own dependencies, not bench/'s: the dispatch workload's raw BullMQ. */
export const OTHER_PEERS = ['bullmq'];

/** The peer packages: bench/package.json's dependencies but the chart's, and OTHER_PEERS. */
export function peerPackages(benchDependencies) {
  return [...Object.keys(benchDependencies ?? {}).filter((d) => !CHART_DEPENDENCIES.includes(d)), ...OTHER_PEERS];
}

/** The peer packages an entry name mentions as a word ("raw BullMQ add", "talisman jaro scan"). */
export function packagesIn(name, packages) {
  const words = name.toLowerCase().split(/[\s,()+/]+/);
  return packages.filter((p) => words.includes(p.toLowerCase()));
}

/**
 * Whether a comparison's `peer` is another package ("fastest-levenshtein", "talisman jaro scan",
 * "raw BullMQ add + waitUntilFinished") rather than strdist against itself (its kernels, thread
 * counts, loops, full scans, local vs remote).
 */
export function isPeer(peerName, packages) {
  return packagesIn(peerName, packages).length > 0;
}

/** Which strdist the subject of a comparison is: the public API, the native kernel or the fallback. */
export function variantOf(subject) {
  if (/\b(js|typescript)\b/i.test(subject)) return 'TypeScript fallback';
  if (/\bnative\b/i.test(subject)) return 'native kernel';
  return 'strdist (public API)';
}
const VARIANTS = ['strdist (public API)', 'native kernel', 'TypeScript fallback'];
const COLORS = ['#4c78a8', '#72b7b2', '#f58518'];

/** Every summary comparison against a peer package, in run order, as chart rows. */
export function peerRows(report) {
  const packages = peerPackages(report.benchDependencies);
  const rows = [];
  let groupIndex = 0;
  for (const g of report.groups.filter((g) => g.inSummary)) {
    const cs = g.comparisons.filter((c) => isPeer(c.peer, packages) && Number.isFinite(c.ratio.median));
    if (cs.length === 0) continue;
    groupIndex++;
    cs.forEach((c, i) => {
      const r = c.ratio.median;
      const parts = [times(r)];
      if (r < 1) parts.push(`SLOWER: ${c.peer} ${times(1 / r)} faster`);
      if (c.target != null) parts.push(`target ≥ ${c.target}x: ${c.verdict}`);
      rows.push({
        group: g.title,
        groupIndex,
        row: `${c.subject} vs ${c.peer}`,
        rowIndex: i,
        variant: variantOf(c.subject),
        subject: c.subject,
        peer: c.peer,
        base: 1,
        ratio: r,
        min: c.ratio.min,
        max: c.ratio.max,
        target: c.target,
        stretch: c.stretch,
        verdict: c.verdict,
        loses: r < 1,
        emphasis: r < 1 ? 'loses' : c.verdict === 'NOT MET' ? 'not met' : 'none',
        label: parts.join('  ·  '),
      });
    });
  }
  return rows;
}

/** A log domain snapped to 1-2-5 steps around every value, and its 1-2-5 tick values. */
function logDomain(values) {
  const steps = (k) => [1, 2, 5].map((m) => m * 10 ** k);
  const lo = Math.min(...values) / 1.15;
  const hi = Math.max(...values) * 1.15;
  const ticks = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) ticks.push(...steps(k));
  const from = Math.max(...ticks.filter((t) => t <= lo));
  const to = Math.min(...ticks.filter((t) => t >= hi));
  return { domain: [from, to], ticks: ticks.filter((t) => t >= from * 0.999 && t <= to * 1.001).map((t) => +t.toPrecision(3)) };
}

export function chartSpec(report, rows) {
  const m = report.machine;
  const values = rows.flatMap((r) => [r.ratio, r.min, r.max, r.target, r.stretch]).filter((v) => Number.isFinite(v) && v > 0);
  const { domain, ticks } = logDomain([1, ...values]);
  const width = 520;
  const x = (field) => ({ field, type: 'quantitative' });
  // Every layer but the 1x line has the row on y (a rule with x and y would be drawn across).
  const y = {
    field: 'row',
    type: 'nominal',
    sort: { field: 'rowIndex', op: 'min' },
    axis: { title: null, labelLimit: 0, ticks: false, domain: false, labelPadding: 6 },
  };
  const present = VARIANTS.filter((v) => rows.some((r) => r.variant === v));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `strdist against its peers: peer time / strdist time${report.quick ? ' (QUICK RUN: figures not meaningful)' : ''}`,
      subtitle: [
        'log scale; right of 1x: strdist faster, left of 1x: strdist slower. Bar: median over rounds; thin line: min-max;',
        'black tick: the target (grey: stretch target).',
        `${m.cpu}, ${m.cores} cores; Node ${m.node}; ${m.date.slice(0, 10)}; git ${(m.gitCommit ?? 'none').slice(0, 10)}${m.gitDirty ? ' (uncommitted changes)' : ''}; \`${report.command}\``,
      ],
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 11,
      subtitlePadding: 6,
      offset: 14,
    },
    data: { values: rows },
    config: {
      font: 'DejaVu Sans, Verdana, Arial, sans-serif',
      view: { stroke: '#ddd' },
      axis: { labelFontSize: 11, titleFontSize: 11 },
      header: { labelFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'horizontal', labelLimit: 0 },
    },
    facet: {
      row: {
        field: 'group',
        type: 'nominal',
        sort: { field: 'groupIndex', op: 'min' },
        header: { title: null, labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelAlign: 'left', labelFontWeight: 'bold', labelPadding: 4 },
      },
    },
    spacing: 10,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width,
      height: { step: 17 },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            y,
            x: {
              ...x('base'),
              scale: { type: 'log', domain, nice: false, clamp: true },
              axis: {
                title: 'peer time / strdist time (log scale)',
                values: ticks,
                labelExpr: "format(datum.value, '~g') + 'x'",
                labelOverlap: false,
                labelFlush: false,
                grid: true,
                gridColor: '#eee',
              },
            },
            x2: { field: 'ratio' },
            color: {
              field: 'variant',
              type: 'nominal',
              title: 'strdist side',
              scale: { domain: present, range: present.map((v) => COLORS[VARIANTS.indexOf(v)]) },
            },
          },
        },
        {
          mark: { type: 'rule', color: '#333', strokeWidth: 1 },
          encoding: { y, x: x('min'), x2: { field: 'max' } },
        },
        // Rows without a (stretch) target have null there, which vega-lite leaves out.
        { mark: { type: 'tick', color: '#999', thickness: 2, bandSize: 14 }, encoding: { y, x: x('stretch') } },
        { mark: { type: 'tick', color: '#000', thickness: 2.5, bandSize: 16 }, encoding: { y, x: x('target') } },
        {
          mark: { type: 'rule', color: '#000', strokeWidth: 1.5 },
          encoding: { x: { datum: 1 } },
        },
        // The figures, right of the plot: losses in bold red, missed targets in bold.
        ...[
          ['none', '#222', 'normal'],
          ['not met', '#222', 'bold'],
          ['loses', '#c0392b', 'bold'],
        ].map(([emphasis, color, fontWeight]) => ({
          transform: [{ filter: `datum.emphasis === '${emphasis}'` }],
          mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11, x: width + 10, color, fontWeight },
          encoding: { y, text: { field: 'label' } },
        })),
      ],
    },
  };
}

/** The SVG text of the chart, or null when no comparison has a peer ratio. */
export async function renderChart(report) {
  const rows = peerRows(report);
  if (rows.length === 0) return { svg: null, rows };
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const spec = chartSpec(report, rows);
  // vega-lite warns that the faceted rows' independent y scales union one field: they do, by design.
  const vgSpec = compile(spec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return { svg, rows, spec };
  } finally {
    view.finalize();
  }
}
