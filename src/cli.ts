import { Command, InvalidArgumentError, Option } from 'commander';
import { METRICS, type Metric } from './kernel.js';

// Loaded lazily so that a backend that cannot load (STRDIST_BACKEND=native without a binary)
// is reported as one clear line rather than a stack trace.
type Lib = typeof import('./index.js');
let lib: Lib;

function score(metric: Metric, a: string, b: string, prefixWeight?: number): number {
  const { jaro, jaroWinkler, levenshtein, levenshteinSimilarity } = lib;
  switch (metric) {
    case 'levenshtein':
      return levenshtein(a, b);
    case 'levenshteinSimilarity':
      return levenshteinSimilarity(a, b);
    case 'jaro':
      return jaro(a, b);
    case 'jaroWinkler':
      return jaroWinkler(a, b, { prefixWeight });
  }
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('strdist')
    .description('Exact string distances: Levenshtein, Jaro, Jaro-Winkler')
    .version(lib.capability().version)
    .showHelpAfterError();

  program
    .command('distance')
    .description('print the distance or similarity of two strings')
    .addOption(new Option('-m, --metric <metric>', 'the metric').choices(METRICS).default('levenshtein'))
    .option('-p, --prefix-weight <p>', 'Winkler prefix weight for jaroWinkler, in [0, 0.25]', parseNumber)
    .option('--json', 'print a JSON object')
    .argument('<a>', 'first string')
    .argument('<b>', 'second string')
    .action((a: string, b: string, opts: { metric: Metric; prefixWeight?: number; json?: boolean }) => {
      const value = score(opts.metric, a, b, opts.prefixWeight);
      if (opts.json) console.log(JSON.stringify({ metric: opts.metric, a, b, score: value }));
      else console.log(String(value));
    });

  program
    .command('info')
    .description('print the backend, versions, platform and the loaded binary')
    .option('--json', 'print the capability record as JSON')
    .action((opts: { json?: boolean }) => {
      const cap = lib.capability();
      if (opts.json) {
        console.log(JSON.stringify(cap, null, 2));
        return;
      }
      const rows: [string, string][] = [
        ['strdist', cap.version],
        ['backend', cap.backend + (cap.nativeUnavailable ? ` (native unavailable: ${cap.nativeUnavailable})` : '')],
        ['kernel', `v${cap.kernelVersion}`],
        ['platform', `${cap.platform}-${cap.arch}${cap.libc ? ` (${cap.libc})` : ''}`],
        ['node', `${cap.node}, Node-API ${cap.nodeNapiVersion}`],
        ['binary', cap.binary ? `${cap.binary.path} (Node-API ${cap.napiVersion})` : 'none'],
        ['sha256', cap.binary ? cap.binary.sha256 : '-'],
        ['cpu', cap.cpuFeatures.join(' ') || '-'],
        ['threads', String(cap.threads)],
      ];
      for (const [k, v] of rows) console.log(`${k.padEnd(9)} ${v}`);
    });

  return program;
}

async function main(): Promise<void> {
  lib = await import('./index.js');
  await buildProgram().parseAsync(process.argv);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(message.startsWith('strdist') ? message : `strdist: ${message}`);
  process.exitCode = 1;
});
