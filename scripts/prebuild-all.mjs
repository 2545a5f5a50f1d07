// `npm run prebuild:all`: the prebuilds the package ships, prebuilds/linux-x64/ and
// prebuilds/linux-arm64/ (glibc), each checked to be an ELF shared object for its machine.
//
// The x64 one is built natively; the arm64 one is cross-compiled with Debian's aarch64 toolchain
// (g++-aarch64-linux-gnu) against the same Node headers (Node-API headers do not depend on the
// architecture; node-gyp takes them from --nodedir or npm's nodedir setting). Flags are
// binding.gyp's for both: -ffp-contract=off, no -march=native, so the arm64 binary computes
// the same bits as the x64 one. node-gyp rebuilds build/ in place for each: the arm64 build runs
// first, so build/ is left with this machine's objects.
//
//   node scripts/prebuild-all.mjs [--arch x64,arm64]
//
// Environment: STRDIST_CROSS_PREFIX (default aarch64-linux-gnu-) names the cross tools.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { arch as hostArch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argAt = process.argv.indexOf('--arch');
const wanted = (argAt > 0 ? process.argv[argAt + 1] : 'arm64,x64').split(',');
const cross = process.env.STRDIST_CROSS_PREFIX ?? 'aarch64-linux-gnu-';
/** ELF e_machine of each architecture. */
const MACHINE = { x64: 62, arm64: 183 };

function fail(message) {
  console.error(`prebuild:all: ${message}`);
  process.exit(1);
}

if (process.platform !== 'linux' || hostArch() !== 'x64') fail(`builds on linux-x64 only (this is ${process.platform}-${hostArch()})`);
for (const a of wanted) if (!(a in MACHINE)) fail(`unknown --arch ${a} (x64, arm64)`);

function have(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Reads an ELF header: class, type and machine. */
function elf(path) {
  const b = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, b, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (b.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return { is64: b[4] === 2, type: b.readUInt16LE(16), machine: b.readUInt16LE(18) };
}

const prebuildify = join(root, 'node_modules', 'prebuildify', 'bin.js');
// arm64 first, x64 last (see the top of this file)
const order = ['arm64', 'x64'].filter((a) => wanted.includes(a));
for (const a of order) {
  const env = { ...process.env };
  if (a !== hostArch()) {
    for (const tool of ['gcc', 'g++', 'strip']) {
      if (!have(`${cross}${tool}`)) {
        fail(`${cross}${tool} not found: install the cross toolchain (apt-get install g++-aarch64-linux-gnu)`);
      }
    }
    Object.assign(env, {
      CC: `${cross}gcc`,
      CXX: `${cross}g++`,
      LINK: `${cross}g++`,
      AR: `${cross}ar`,
      // gyp's host tools (none here, but keep them native)
      CC_host: 'gcc',
      CXX_host: 'g++',
    });
  }
  const args = [prebuildify, '--napi', '--strip', '--tag-libc', '--arch', a];
  if (a !== hostArch()) args.push('--strip-bin', `${cross}strip`);
  console.log(`prebuild:all: ${a}${a === hostArch() ? '' : ` (cross: ${cross}g++)`}`);
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) fail(`prebuildify --arch ${a} failed (${r.signal ?? `exit ${r.status}`})`);
  const dir = join(root, 'prebuilds', `linux-${a}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.node'));
  if (files.length === 0) fail(`no .node file in ${dir}`);
  for (const f of files) {
    const h = elf(join(dir, f));
    if (!h || !h.is64 || h.type !== 3 || h.machine !== MACHINE[a]) {
      fail(`${join(dir, f)} is not a 64-bit ELF shared object for ${a} (${JSON.stringify(h)})`);
    }
    console.log(`prebuild:all: prebuilds/linux-${a}/${f}: ELF shared object, machine ${h.machine}`);
  }
}
