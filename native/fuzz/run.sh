#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs each for a
# time budget. Each checks a kernel family against the naive references of native/test/.
#
#   native/fuzz/run.sh [seconds per target]      (default: $STRDIST_FUZZ_SECONDS, else 60)
#
# Environment: CXX (default clang++), STRDIST_FUZZ_SECONDS, STRDIST_FUZZ_TARGETS (names, e.g.
# "levenshtein search"; default all). Corpora and any crashing input go to a temporary
# directory, printed at the end (kept when a target fails).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${1:-${STRDIST_FUZZ_SECONDS:-60}}"
targets=(${STRDIST_FUZZ_TARGETS:-levenshtein jaro search metrics_extra})  # metrics_extra: issue 12
cxx="${CXX:-clang++}"
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (Debian: apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/strdist-fuzz.XXXXXX")"
flags=(-std=c++17 -pthread -O1 -g -fno-omit-frame-pointer -ffp-contract=off
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Each target is one process (libFuzzer on one thread): as many built and run at a time as there
# are cores, each for the whole budget.
max_jobs="$(nproc 2>/dev/null || echo 2)"
status=0
# Runs "$1 <target>" for every target, at most max_jobs at once; a failure of any sets status=1.
each_target() {
  local pids=() names=() t
  local reap='if ! wait "${pids[0]}"; then status=1; echo "fuzz: ${names[0]} FAILED ($1)" >&2; fi; pids=("${pids[@]:1}"); names=("${names[@]:1}")'
  for t in "${targets[@]}"; do
    "$1" "$t" &
    pids+=($!)
    names+=("$t")
    if ((${#pids[@]} >= max_jobs)); then eval "$reap"; fi
  done
  while ((${#pids[@]})); do eval "$reap"; done
}
build() {
  # with the addon's ISA translation units (the lane kernels the corpus search scores with)
  "$cxx" "${flags[@]}" "$here/fuzz_$1.cc" "$here"/../multi_*_avx*.cc -o "$out/fuzz_$1" 2>"$out/$1.build.log" ||
    { cat "$out/$1.build.log" >&2; return 1; }
}
run() {
  mkdir -p "$out/corpus_$1"
  (cd "$out" && "./fuzz_$1" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/$1-" \
      "corpus_$1" >"$out/$1.log" 2>&1)
}
echo "fuzz: building ${targets[*]} ($cxx ${flags[*]})"
each_target build
if [ "$status" = 0 ]; then
  echo "fuzz: running ${targets[*]}, ${seconds}s each, $max_jobs at a time"
  each_target run
  for t in "${targets[@]}"; do
    echo "fuzz: $t"
    if grep -q '^Done' "$out/$t.log"; then
      grep -E '^(Done|stat::(average_exec_per_sec|new_units_added|peak_rss_mb))' "$out/$t.log"
    else
      tail -n 40 "$out/$t.log" >&2
      echo "fuzz: $t FAILED; the input that broke it and the log are in $out" >&2
      status=1
    fi
  done
fi
if [ "$status" = 0 ]; then rm -rf "$out"; fi
exit "$status"
