#!/usr/bin/env bash
# Builds and runs the standalone native test (no Node, no N-API).
#
#   native/test/run.sh [--sanitize] [random_pairs] [seed]
#
# --sanitize   build with AddressSanitizer and UndefinedBehaviorSanitizer
#              (-fsanitize=address,undefined -fno-sanitize-recover=all)
# Environment: CXX (default g++), CXXFLAGS (appended),
#              STRDIST_VECTORS (default: <repo>/test/fixtures/metrics.jsonl),
#              STRDIST_NATIVE_TESTS (default "native corpus simd join": which test binaries run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"

sanitize=0
args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) args+=("$arg") ;;
  esac
done

vectors="${STRDIST_VECTORS:-$root/test/fixtures/metrics.jsonl}"
if [ ! -f "$vectors" ]; then
  echo "native test: vectors file not found: $vectors (set STRDIST_VECTORS)" >&2
  exit 2
fi

cxx="${CXX:-g++}"
# Same semantics-relevant flags as the addon (-ffp-contract=off above all).
flags=(-std=c++17 -pthread -Wall -Wextra -Werror -ffp-contract=off -fvisibility=hidden)
if [ "$sanitize" = 1 ]; then
  flags+=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
else
  flags+=(-O2)
fi
# shellcheck disable=SC2206
extra=(${CXXFLAGS:-})

out="$(mktemp -d "${TMPDIR:-/tmp}/strdist-native-test.XXXXXX")"
trap 'rm -rf "$out"' EXIT

echo "native test: $cxx ${flags[*]} ${extra[*]:-}"
tests=" ${STRDIST_NATIVE_TESTS:-native corpus simd join} "
for t in $tests; do
  case "$t" in
    native | corpus | simd | join) ;;
    *) echo "native test: unknown test '$t' in STRDIST_NATIVE_TESTS (native, corpus, simd, join)" >&2; exit 2 ;;
  esac
done
want() { [[ "$tests" == *" $1 "* ]]; }
# The ISA translation units of the addon: the multi-string lane kernels, which the corpus
# search scores Levenshtein with too.
isa=("$here/../multi_levenshtein_avx2.cc" "$here/../multi_levenshtein_avx512.cc" "$here/../multi_jaro_avx2.cc"
     "$here/../multi_jaro_avx512.cc")
# Built as many at a time as there are cores (each build is one compiler process), then run one
# by one in this order: native (the kernels against the oracle vectors and the references),
# corpus (the search), simd (every ISA path this CPU has of the lane kernels; STRDIST_SIMD does
# not apply here: the test runs each path itself), join.
order=()
for t in native corpus simd join; do want "$t" && order+=("$t"); done
max_jobs="$(nproc 2>/dev/null || echo 2)"
pids=()
names=()
failed=0
reap() {  # waits for the oldest build
  if ! wait "${pids[0]}"; then
    echo "native test: building ${names[0]}_test failed" >&2
    failed=1
  fi
  pids=("${pids[@]:1}")
  names=("${names[@]:1}")
}
for t in "${order[@]}"; do
  src=("$here/${t}_test.cc")
  [ "$t" = native ] || src+=("${isa[@]}")
  "$cxx" "${flags[@]}" "${extra[@]}" "${src[@]}" -o "$out/${t}_test" &
  pids+=($!)
  names+=("$t")
  if ((${#pids[@]} >= max_jobs)); then reap; fi
done
while ((${#pids[@]})); do reap; done
if [ "$failed" = 1 ]; then exit 1; fi
for t in "${order[@]}"; do
  if [ "$t" = native ]; then
    "$out/native_test" "$vectors" "${args[@]}"
  else
    "$out/${t}_test"
  fi
done
