#!/usr/bin/env bash
# Proves that strdist installs and works where the addon cannot be built: no prebuild and no
# compiler, make or python3 on the PATH (a PATH of links to node, npm, git and a shell only).
#  1. A git clone of this repository (its HEAD commit): `npm ci` succeeds (the install script
#     warns and exits 0), `strdist info` reports the js backend with the reason and the remedy,
#     STRDIST_BACKEND=native fails loudly with ERR_STRDIST_NATIVE_UNAVAILABLE, and `npm test`
#     passes on the js backend (STRDIST_BACKEND unset: auto; STRDIST_EXPECT_NATIVE unset, so each
#     native-only suite is one test that the absence is explained; arguments narrow it to some
#     test files). The tests get the usual tools
#     (bash, redis-server, prlimit...) on a PATH with every compiler, make and python taken out.
#  2. That clone packed (no prebuilds/) and installed into an empty folder with the install
#     script allowed: the install succeeds and the package runs on the js backend.
set -euo pipefail
unset STRDIST_BACKEND PREBUILDS_ONLY STRDIST_EXPECT_NATIVE
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "nocompiler-test: FAILED: $*" >&2; exit 1; }

mkdir "$work/bin"
for tool in node npm npx git sh; do ln -s "$(command -v "$tool")" "$work/bin/$tool"; done
# For the test run: every command on the PATH except the toolchain (compilers, make, python).
mkdir "$work/testbin"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  for f in "$d"/*; do
    name=${f##*/}
    [[ -x $f && ! -d $f && ! -e $work/testbin/$name ]] || continue
    [[ $name =~ (gcc|g\+\+|clang|^python|^pyenv|^(cc|c\+\+|cpp|c89|c99|make|gmake)([-.][0-9.]+)?$) ]] && continue
    ln -s "$f" "$work/testbin/$name"
  done
done
for tool in cc c++ cpp gcc g++ gcc-12 g++-12 clang clang++ make python3 python x86_64-linux-gnu-g++; do
  PATH="$work/bin" command -v "$tool" >/dev/null 2>&1 && fail "$tool is still on the restricted PATH"
  PATH="$work/testbin" command -v "$tool" >/dev/null 2>&1 && fail "$tool is still on the test PATH"
done
nocc() { PATH="$work/bin" "$@"; }

git clone --quiet "$root" "$work/repo"
cd "$work/repo"
[ -d prebuilds ] && fail "the clone has prebuilds/"
nocc npm ci --no-audit --no-fund --loglevel=error > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "npm ci failed"; }
grep -q 'strdist: the native addon is not available' "$work/install.log" || { cat "$work/install.log"; fail "the install script did not warn"; }
ls build/Release/*.node >/dev/null 2>&1 && fail "a binary was built without a compiler?"
echo "nocompiler-test: npm ci succeeded without a compiler and warned:"
grep -A1 'strdist: the native addon is not available' "$work/install.log" | sed 's/^/  /'

check_info() { # $1: the CLI
  nocc node "$1" info --json > "$work/info.json"
  node -e '
    const c = require(process.argv[1]);
    if (c.backend !== "js" || !/No native build was found/.test(c.nativeUnavailable) || !/npm rebuild strdist/.test(c.nativeUnavailable)) {
      console.error("nocompiler-test: info does not say js with the reason:", JSON.stringify(c)); process.exit(1);
    }' "$work/info.json"
  nocc node "$1" info | grep -q '^backend *js (native unavailable: No native build was found' || fail "strdist info (text) does not give the reason"
  if out=$(STRDIST_BACKEND=native nocc node "$1" info 2>&1); then fail "STRDIST_BACKEND=native did not fail: $out"; fi
  grep -q 'STRDIST_BACKEND=native but the native binary cannot load' <<<"$out" || fail "STRDIST_BACKEND=native: $out"
  echo "nocompiler-test: $1: info reports js with the reason; STRDIST_BACKEND=native fails loudly"
}
check_info dist/cli.mjs
STRDIST_BACKEND=native nocc node --input-type=module -e "
  try { await import('./dist/index.mjs'); process.exit(1); }
  catch (e) { if (e.code !== 'ERR_STRDIST_NATIVE_UNAVAILABLE') { console.error(e); process.exit(1); } }" ||
  fail "STRDIST_BACKEND=native does not throw ERR_STRDIST_NATIVE_UNAVAILABLE"

# Arguments, if any, narrow the run to those test files (CI passes a subset to save time).
echo "nocompiler-test: npm test $* (js backend, no addon)"
PATH="$work/testbin" npm test -- "$@"

# 2. The packed clone in an empty folder, its install script allowed to run.
tgz="$work/$(nocc npm pack --ignore-scripts --silent --pack-destination "$work" | tail -1)"
tar tzf "$tgz" | grep -q '\.node$' && fail "the tarball carries a binary"
mkdir "$work/app"
cd "$work/app"
echo '{"name":"app","version":"1.0.0","private":true}' > package.json
nocc npm install --no-audit --no-fund --loglevel=error --foreground-scripts "$tgz" > "$work/app-install.log" 2>&1 || { cat "$work/app-install.log"; fail "npm install of the tarball failed"; }
nocc npm install-scripts approve strdist >/dev/null 2>&1 || true
nocc npm rebuild strdist --foreground-scripts > "$work/app-rebuild.log" 2>&1 || { cat "$work/app-rebuild.log"; fail "npm rebuild strdist failed"; }
grep -q 'strdist: the native addon is not available' "$work/app-rebuild.log" || { cat "$work/app-rebuild.log"; fail "the install script did not run or did not warn"; }
echo "nocompiler-test: the tarball installs into an empty folder and its install script exits 0"
check_info node_modules/strdist/dist/cli.mjs
echo "nocompiler-test: passed"
