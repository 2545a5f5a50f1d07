// Plain-text and markdown tables, and number formatting.

export function ns(value) {
  if (value == null || !Number.isFinite(value)) return '—';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** A time in ns, in ns, µs, ms or s with 3-4 significant digits: 1,219 ns, 37.9 µs, 30.0 ms. */
export function duration(nsValue) {
  if (nsValue == null || !Number.isFinite(nsValue)) return '—';
  const [v, unit] = nsValue < 1e4 ? [nsValue, 'ns'] : nsValue < 1e7 ? [nsValue / 1e3, 'µs'] : nsValue < 1e10 ? [nsValue / 1e6, 'ms'] : [nsValue / 1e9, 's'];
  return `${ns(v)} ${unit}`;
}

export function times(value) {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}x`;
}

export function count(value) {
  return value.toLocaleString('en-US');
}

const isNumeric = (cell) => /^[-+]?[\d.,]+(x| ns| µs| ms| s)?$|^—$/.test(cell);

/** A text table: columns padded, numeric columns right-aligned. */
export function textTable(headers, rows) {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const right = headers.map((_, c) => cells.length > 0 && cells.every((row) => isNumeric(row[c])));
  const line = (row) =>
    row.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function markdownTable(headers, rows) {
  const esc = (cell) => String(cell).replace(/\|/g, '\\|');
  const right = headers.map((_, c) => rows.length > 0 && rows.every((row) => isNumeric(String(row[c]))));
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${right.map((r) => (r ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ].join('\n');
}
