#!/usr/bin/env bash
# Builds and runs the standalone native test (no Node, no N-API).
#
#   native/test/run.sh [--sanitize] [random_pairs] [seed]
#
# --sanitize   build with AddressSanitizer and UndefinedBehaviorSanitizer
#              (-fsanitize=address,undefined -fno-sanitize-recover=all)
# Environment: CXX (default g++), CXXFLAGS (appended),
#              STRDIST_VECTORS (default: <repo>/test/fixtures/metrics.jsonl).
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
"$cxx" "${flags[@]}" "${extra[@]}" "$here/native_test.cc" -o "$out/native_test"
"$out/native_test" "$vectors" "${args[@]}"
"$cxx" "${flags[@]}" "${extra[@]}" "$here/corpus_test.cc" -o "$out/corpus_test"
"$out/corpus_test"
# issue 12: the added metrics' kernels against naive dynamic programming
"$cxx" "${flags[@]}" "${extra[@]}" "$here/metrics_extra_test.cc" -o "$out/metrics_extra_test"
"$out/metrics_extra_test"
