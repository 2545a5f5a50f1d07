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

status=0
for t in "${targets[@]}"; do
  echo "fuzz: building $t ($cxx ${flags[*]})"
  # with the addon's ISA translation units (the lane kernels the corpus search scores with)
  "$cxx" "${flags[@]}" "$here/fuzz_$t.cc" "$here"/../multi_*_avx*.cc -o "$out/fuzz_$t"
  mkdir -p "$out/corpus_$t"
  echo "fuzz: running $t for ${seconds}s"
  if (cd "$out" && "./fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/$t-" \
        "corpus_$t" >"$out/$t.log" 2>&1); then
    grep -E '^(Done|stat::(average_exec_per_sec|new_units_added|peak_rss_mb))' "$out/$t.log"
  else
    tail -n 40 "$out/$t.log" >&2
    echo "fuzz: $t FAILED; the input that broke it and the log are in $out" >&2
    status=1
  fi
done
if [ "$status" = 0 ]; then rm -rf "$out"; fi
exit "$status"
