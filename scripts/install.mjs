// The package's install script: keeps a binary that loads (a local build or a matching
// prebuild, as node-gyp-build finds them), else builds the addon with node-gyp. It never fails
// the install: strdist has a complete TypeScript backend, so without a binary it installs,
// warns here, and says why at run time (capability().nativeUnavailable, `strdist info`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

function loads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

function build() {
  // npm passes its own node-gyp to install scripts; otherwise one on the PATH.
  const gyp = process.env.npm_config_node_gyp;
  const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: !gyp && process.platform === 'win32' });
  // Interrupted by the user: stop the install as they asked.
  if (r.signal === 'SIGINT' || r.signal === 'SIGTERM') process.kill(process.pid, r.signal);
  if (r.error) return `${command} could not run: ${r.error.message}`;
  if (r.status !== 0) return `node-gyp rebuild ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`}`;
  return loads() ? undefined : 'the binary node-gyp built does not load';
}

const fromSource = process.env.npm_config_build_from_source === 'true';
const failure = !fromSource && loads() ? undefined : build();
if (failure) {
  const where = `${process.platform}-${process.arch}, Node ${process.version}, Node-API ${process.versions.napi}`;
  console.warn(
    `\nstrdist: the native addon is not available (${failure}). No prebuilt binary matches this platform ` +
      `(${where}) and building one failed (see the messages above); building needs a C++ toolchain: g++ or ` +
      'clang, make and python3. strdist is installed anyway and runs on its TypeScript backend, with the same ' +
      'results, slower; `strdist info` and capability().nativeUnavailable say so. To get the native backend, ' +
      'install the toolchain and run `npm rebuild strdist`.\n',
  );
}
process.exit(0);
