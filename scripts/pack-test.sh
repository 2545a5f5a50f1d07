#!/usr/bin/env bash
# Proves the packed tarball: installed into an empty folder with no compiler on the PATH, a
# worker started from there loads the prebuild (its capability record says so) and serves
# native jobs whose results equal the local search. Needs `npm run prebuild` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  # the worker first (it shuts down gracefully while Redis is still there), then Redis
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "pack-test: FAILED: $*" >&2; exit 1; }

ls "$root"/prebuilds/*/*.node >/dev/null 2>&1 || fail "no prebuild in $root/prebuilds (run npm run prebuild)"
cd "$root"
tgz="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"
listing=$(tar tzf "$tgz")
grep -q '^package/prebuilds/.*\.node$' <<<"$listing" || fail "the tarball carries no prebuild"
grep -q '^package/build/' <<<"$listing" && fail "the tarball carries build/"
echo "pack-test: $(basename "$tgz") carries $(grep -c '\.node$' <<<"$listing") prebuild(s)"

# A PATH with node, npm and a shell only: no cc, c++, g++, make or python.
mkdir -p "$work/bin"
for tool in node npm sh; do ln -s "$(command -v "$tool")" "$work/bin/$tool"; done
for tool in cc c++ gcc g++ make python3; do
  PATH="$work/bin" command -v "$tool" >/dev/null 2>&1 && fail "$tool is still on the restricted PATH"
done

mkdir "$work/app"
cd "$work/app"
echo '{"name":"app","version":"1.0.0","private":true}' > package.json
PATH="$work/bin" npm install --no-audit --no-fund --loglevel=error "$tgz" >/dev/null
[ -d node_modules/strdist/build ] && fail "something built the addon at install time"
strdist() { PATH="$work/bin" node node_modules/strdist/dist/cli.mjs "$@"; }

strdist info --json > info.json
node -e '
  const c = require("./info.json");
  if (c.backend !== "native" || !c.binary || !c.binary.path.includes("/prebuilds/")) {
    console.error("pack-test: the installed package did not load its prebuild:", JSON.stringify(c)); process.exit(1);
  }
  console.log("pack-test: installed package loads", c.binary.path);'

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null 2>&1 &
pids+=($!)
url="redis://127.0.0.1:$port"
for _ in $(seq 100); do node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" && break; sleep 0.1; done

PATH="$work/bin" node node_modules/strdist/dist/cli.mjs worker --redis "$url" --prefix pack >/dev/null 2> worker.log &
pids+=($!)
for _ in $(seq 100); do
  strdist workers --redis "$url" --prefix pack --json > workers.json
  node -e 'process.exit(require("./workers.json").length ? 0 : 1)' && break
  sleep 0.1
done
node -e '
  const [w] = require("./workers.json");
  if (!w) { console.error("pack-test: no worker came up"); process.exit(1); }
  if (w.backend !== "native" || !w.binary.path.includes("/prebuilds/") || !w.queues.includes("native-v1")) {
    console.error("pack-test: worker capability is not the prebuild:", JSON.stringify(w)); process.exit(1);
  }
  console.log("pack-test: worker", w.id, "serves", w.queues.join(","), "with", w.binary.path);'

strdist closest --json -n 5 bagel cheese zebra > local.json
strdist closest --json -n 5 --redis "$url" --prefix pack --require native bagel cheese zebra > remote.json
cmp -s local.json remote.json || fail "remote results differ from local: $(diff local.json remote.json | head -5)"
echo "pack-test: remote native results equal the local ones"
echo "pack-test: 1 passed, 0 failed"
