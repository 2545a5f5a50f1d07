// A measured group: competitors timed alternately on one data set, compared, and logged.
import { agreement, alternate, alternateAsync, ratio } from './timing.mjs';
import { count, ns, times } from './table.mjs';

export function verdict(r, target, stretch) {
  if (target == null) return 'info';
  if (stretch != null && r >= stretch) return 'met (stretch)';
  return r >= target ? 'met' : 'NOT MET';
}

/** Logs a group's header and returns the entries that will run. */
function startGroup(ctx, spec) {
  if (!spec.compact) {
    ctx.log(`\n${spec.title}`);
    ctx.log(`  ${spec.data}; ${count(spec.ops)} ops per run, ${ctx.rounds} round(s) after warm-up`);
    for (const e of spec.entries.filter((e) => e.skip)) ctx.log(`  ${e.name}: skipped (${e.skip})`);
  }
  return spec.entries.filter((e) => !e.skip);
}

/** Logs the measured entries, computes the comparisons and records the group. */
function finishGroup(ctx, spec, measured) {
  const unit = spec.unit ?? 'ns/call';
  const byName = new Map(measured.map((m) => [m.name, m]));
  const width = Math.max(...measured.map((m) => m.name.length));
  if (spec.compact) {
    ctx.log(`  ${spec.title}: ${measured.map((m) => `${m.name} ${ns(m.nsPerOp.median)} ${unit}`).join(', ')}`);
  } else {
    for (const m of measured) {
      const { median, min, max } = m.nsPerOp;
      ctx.log(`  ${m.name.padEnd(width)}  ${ns(median).padStart(8)} ${unit}  [${ns(min)} – ${ns(max)}]  checksum ${m.checksum}`);
    }
  }

  const comparisons = [];
  for (const c of spec.comparisons ?? []) {
    const subject = byName.get(c.subject);
    const peer = byName.get(c.peer);
    if (!subject || !peer) continue;
    const r = ratio(subject, peer);
    comparisons.push({
      workload: spec.id,
      title: spec.title,
      subject: c.subject,
      peer: c.peer,
      unit,
      subjectNs: subject.nsPerOp,
      peerNs: peer.nsPerOp,
      ratio: r,
      target: c.target ?? null,
      stretch: c.stretch ?? null,
      verdict: verdict(r.median, c.target, c.stretch),
    });
  }
  const inSummary = spec.inSummary ?? true;
  const group = { id: spec.id, title: spec.title, data: spec.data, ops: spec.ops, unit, inSummary, entries: measured, comparisons };
  ctx.groups.push(group);
  return group;
}

/**
 * spec: { id, title, data, ops, unit, entries: [{ name, run } | { name, skip }],
 *         comparisons: [{ subject, peer, target?, stretch? }] }
 * Entries with `skip` (a reason) are left out, and so are comparisons that need them.
 */
export function measureGroup(ctx, spec) {
  const live = startGroup(ctx, spec);
  return finishGroup(ctx, spec, alternate(live, { rounds: ctx.rounds, warmup: ctx.warmup, ops: spec.ops }));
}

/**
 * Pair-by-pair agreement of two functions, recorded as a check. `exact`: any difference fails;
 * otherwise differences are reported for information (peers with other definitions).
 */
export function checkAgreement(ctx, { what, f, g, as, bs, limit, exact, quiet }) {
  const a = agreement(f, g, as, bs, limit);
  const ok = !exact || a.mismatches === 0;
  const detail = a.mismatches === 0
    ? `identical on ${count(a.checked)} pairs`
    : `${count(a.mismatches)} of ${count(a.checked)} pairs differ (max |diff| ${a.maxAbsDiff}; e.g. ` +
      `${JSON.stringify(a.first.a)} vs ${JSON.stringify(a.first.b)}: ${a.first.subject} vs ${a.first.peer})`;
  ctx.checks.push({ what, exact: !!exact, ok, ...a, detail });
  if (quiet && ok) return ok;
  ctx.log(`  check ${ok ? 'ok  ' : 'FAIL'} ${what}: ${detail}${!exact && a.mismatches ? ' [peer definition differs; information only]' : ''}`);
  return ok;
}

/**
 * `measureGroup()` for entries whose `run` is async (returns a promise of the checksum), timed
 * with alternateAsync(); the group goes into ctx.groups the same way.
 */
export async function measureGroupAsync(ctx, spec) {
  const live = startGroup(ctx, spec);
  return finishGroup(ctx, spec, await alternateAsync(live, { rounds: ctx.rounds, warmup: ctx.warmup, ops: spec.ops }));
}

export { count, ns, times };

/**
 * The strdist variants of one method: the public API, the native kernel alone, and the
 * TypeScript kernel alone (all through the same argument-checking wrapper).
 */
export function strdistVariants(ctx, method) {
  const { pub, native, js, nativeUnavailable } = ctx.strdist;
  return [
    { name: 'strdist', fn: pub[method] },
    native ? { name: 'strdist native-only', fn: native[method] } : { name: 'strdist native-only', skip: nativeUnavailable },
    { name: 'strdist js-only', fn: js[method] },
  ];
}
