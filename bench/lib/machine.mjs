// What the figures were measured on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
}

function git(args, cwd) {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(repoRoot) {
  const status = git(['status', '--porcelain'], repoRoot);
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    /** 1-minute load average when the run started: other work on the machine skews the figures. */
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
    gitCommit: git(['rev-parse', 'HEAD'], repoRoot),
    gitDirty: status === null ? null : status.length > 0,
  };
}
