// N-API glue for strdist. The algorithms live in the plain headers beside this file; this file
// only moves strings and numbers across the boundary. The public wrapper (src/metrics.ts)
// checks arguments before they get here; the checks below hold on their own, so that a direct
// call with anything at all returns or throws a coded error (see addon.hpp), never crashes.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include "addon.hpp"
#include "damerau.hpp"
#include "hamming.hpp"
#include "intrinsics.hpp"
#include "jaro.hpp"
#include "lcs.hpp"
#include "levenshtein.hpp"
#include "osa.hpp"
#include "prepared.hpp"
#include "text.hpp"
#include "weighted.hpp"

#ifndef STRDIST_KERNEL_VERSION
#define STRDIST_KERNEL_VERSION 1
#endif

namespace strdist_addon {
namespace {

using strdist::decode_utf16;

// The pairwise calls are raw Node-API callbacks: for two short strings the boundary costs
// more than the bit-parallel work, so they read the arguments with as few calls as possible.
// Each string is copied once into a stack buffer when it fits and widened there to code points;
// longer ones go to buffers of the function's PairContext (addon.hpp), reused across calls.
constexpr size_t kStackUnits = 256;
// A reused buffer grown past this is given back after the call, so one huge pair does not
// hold its memory for the life of the environment.
constexpr size_t kKeepUnits = size_t(1) << 20;

template <class T>
struct Scratch {
  std::vector<T> v;
  T* get(size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
  void trim() {
    if (v.size() > kKeepUnits) std::vector<T>().swap(v);
  }
};

template <class T>
T* Room(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

template <class T>
void Trim(std::vector<T>& v) {
  if (v.size() > kKeepUnits) std::vector<T>().swap(v);
}

// One string argument's UTF-16 units: in `stack` when they fit, else in `heap`.
struct Units {
  const char16_t* units;
  size_t length;
};

Units ReadUnits(const Args& a, size_t i, const char* name, char16_t* stack, std::vector<char16_t>& heap) {
  size_t copied = 0;
  const napi_status s = napi_get_value_string_utf16(a.env, a[i], stack, kStackUnits, &copied);
  if (s == napi_string_expected) a.ArgumentError(i, name, "a string");
  Check(s);
  if (copied < kStackUnits - 1) return {stack, copied};
  // It may have been cut at the buffer: read it whole.
  const size_t length = StringArg(a, i, name, heap);
  return {heap.data(), length};
}

using Pattern = strdist::detail::PatternMatchVector;

// Decoded code points of both arguments.
struct Pair {
  const uint32_t* a;
  size_t la;
  const uint32_t* b;
  size_t lb;
};

// The pairwise option reads: one napi call for a number; the rest only on the error path.
double PairOption(const Args& a, size_t i, const char* name, double fallback) {
  double d;
  if (napi_get_value_double(a.env, a[i], &d) == napi_ok && d == d) return d;
  return NumberArg(a, i, name, fallback);  // undefined, or the error
}

// Every pairwise export is registered with SetPairFunction, so its data is its PairContext.
template <size_t N, class F>
napi_value Pairwise(napi_env env, napi_callback_info info, F&& body) {
  return Guard(env, [&]() -> napi_value {
    void* data = nullptr;
    Args args(env, info, N, &data);
    PairContext& ctx = *static_cast<PairContext*>(data);
    args.fn = ctx.fn;
    char16_t stack_a[kStackUnits], stack_b[kStackUnits];
    const Units a = ReadUnits(args, 0, "a", stack_a, ctx.units_a);
    const Units b = ReadUnits(args, 1, "b", stack_b, ctx.units_b);
    if (OverCellLimit(a.length, b.length) &&
        !(a.length == b.length && std::memcmp(a.units, b.units, a.length * sizeof(char16_t)) == 0)) {
      ThrowTooLarge(args.fn, a.length, b.length);
    }
    uint32_t points_a[kStackUnits], points_b[kStackUnits];
    uint32_t* pa = a.length < kStackUnits ? points_a : Room(ctx.points_a, a.length);
    uint32_t* pb = b.length < kStackUnits ? points_b : Room(ctx.points_b, b.length);
    const Pair p{pa, decode_utf16(a.units, a.length, pa), pb, decode_utf16(b.units, b.length, pb)};
    const double result = body(args, p, ctx.pattern);
    if (a.units != stack_a || b.units != stack_b) {
      Trim(ctx.units_a);
      Trim(ctx.units_b);
      Trim(ctx.points_a);
      Trim(ctx.points_b);
    }
    return Double(env, result);
  });
}

// levenshtein(a, b, maxDistance?): maxDistance negative or undefined: no cutoff.
napi_value Levenshtein(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern& pm) {
    const double max = PairOption(args, 2, "maxDistance", -1);
    return static_cast<double>(strdist::levenshtein(pm, p.a, p.la, p.b, p.lb, max < 0 ? SIZE_MAX : ToSize(max)));
  });
}

napi_value LevenshteinSimilarity(napi_env env, napi_callback_info info) {
  return Pairwise<2>(env, info, [](const Args&, const Pair& p, Pattern& pm) {
    return strdist::levenshtein_similarity(pm, p.a, p.la, p.b, p.lb);
  });
}

// jaro(a, b, minSimilarity?): negative or undefined: no cutoff.
napi_value Jaro(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern& pm) {
    const double min = PairOption(args, 2, "minSimilarity", 0);
    return strdist::jaro(pm, p.a, p.la, p.b, p.lb, min < 0 ? 0.0 : min);
  });
}

// jaroWinkler(a, b, prefixWeight?, minSimilarity?): weight negative or undefined: 0.1.
napi_value JaroWinkler(napi_env env, napi_callback_info info) {
  return Pairwise<4>(env, info, [](const Args& args, const Pair& p, Pattern& pm) {
    const double weight = PairOption(args, 2, "prefixWeight", 0.1);
    if (weight > 0.25) args.OptionError(2, "prefixWeight", "at most 0.25");
    const double min = PairOption(args, 3, "minSimilarity", 0);
    return strdist::jaro_winkler(pm, p.a, p.la, p.b, p.lb, weight < 0 ? 0.1 : weight, min < 0 ? 0.0 : min);
  });
}


// ---- issue 12: more metrics (indel/ratio, LCS, hamming, OSA, Damerau-Levenshtein, weights) ----
// Same conventions as above: a distance's cutoff is maxDistance (negative or undefined: none,
// the result max + 1 past it); a similarity's is minSimilarity (negative or undefined: 0, a
// score below it comes back as 0).

constexpr const char* kLengthMismatch = "ERR_STRDIST_LENGTH_MISMATCH";

double DistanceResult(size_t d) { return static_cast<double>(d); }

size_t MaxArg(const Args& args, size_t i) {
  const double max = PairOption(args, i, "maxDistance", -1);
  return max < 0 ? SIZE_MAX : ToSize(max);
}

double MinArg(const Args& args, size_t i) {
  const double min = PairOption(args, i, "minSimilarity", 0);
  return min < 0 ? 0.0 : min;
}

double AtLeast(double score, double min) { return score >= min ? score : 0.0; }

// pad: a boolean; undefined is false.
bool PadArg(const Args& args, size_t i) {
  bool pad = false;
  if (napi_get_value_bool(args.env, args[i], &pad) == napi_ok) return pad;
  if (IsUndefined(args.env, args[i])) return false;
  args.ArgumentError(i, "pad", "a boolean");
}

void CheckHammingLengths(const Args& args, const Pair& p, bool pad) {
  if (pad || p.la == p.lb) return;
  throw Failure(Kind::Range, kLengthMismatch,
                std::string(args.fn) + ": a and b must have the same length in code points unless pad is true, got " +
                    std::to_string(p.la) + " and " + std::to_string(p.lb));
}

napi_value Indel(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    return DistanceResult(strdist::indel(p.a, p.la, p.b, p.lb, MaxArg(args, 2)));
  });
}

napi_value Ratio(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    return AtLeast(strdist::indel_ratio(p.a, p.la, p.b, p.lb), MinArg(args, 2));
  });
}

napi_value LongestCommonSubsequence(napi_env env, napi_callback_info info) {
  return Pairwise<2>(env, info, [](const Args&, const Pair& p, Pattern&) {
    return DistanceResult(strdist::longest_common_subsequence(p.a, p.la, p.b, p.lb));
  });
}

// hamming(a, b, pad?, maxDistance?)
napi_value Hamming(napi_env env, napi_callback_info info) {
  return Pairwise<4>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    CheckHammingLengths(args, p, PadArg(args, 2));
    return DistanceResult(strdist::hamming(p.a, p.la, p.b, p.lb, MaxArg(args, 3)));
  });
}

// hammingSimilarity(a, b, pad?, minSimilarity?)
napi_value HammingSimilarity(napi_env env, napi_callback_info info) {
  return Pairwise<4>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    CheckHammingLengths(args, p, PadArg(args, 2));
    const double s = strdist::normalized_similarity(strdist::hamming(p.a, p.la, p.b, p.lb), std::max(p.la, p.lb));
    return AtLeast(s, MinArg(args, 3));
  });
}

napi_value Osa(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    return DistanceResult(strdist::osa(p.a, p.la, p.b, p.lb, MaxArg(args, 2)));
  });
}

napi_value OsaSimilarity(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    const double s = strdist::normalized_similarity(strdist::osa(p.a, p.la, p.b, p.lb), std::max(p.la, p.lb));
    return AtLeast(s, MinArg(args, 2));
  });
}

napi_value DamerauLevenshtein(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    return DistanceResult(strdist::damerau_levenshtein(p.a, p.la, p.b, p.lb, MaxArg(args, 2)));
  });
}

napi_value DamerauLevenshteinSimilarity(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    const double s =
        strdist::normalized_similarity(strdist::damerau_levenshtein(p.a, p.la, p.b, p.lb), std::max(p.la, p.lb));
    return AtLeast(s, MinArg(args, 2));
  });
}

// The most a weight may be (src/options.ts MAX_WEIGHT): distances then stay below 2^53.
constexpr double kMaxWeight = 1048576.0;

uint64_t WeightValue(const Args& args, size_t i, const char* name) {
  const double w = NumberArg(args, i, name, 1);
  if (!(w >= 0 && w <= kMaxWeight && w == std::floor(w))) args.OptionError(i, name, "an integer in [0, 1048576]");
  return static_cast<uint64_t>(w);
}

// levenshteinWeighted(a, b, insert?, delete?, substitute?, maxDistance?): weights default to 1.
napi_value LevenshteinWeighted(napi_env env, napi_callback_info info) {
  return Pairwise<6>(env, info, [](const Args& args, const Pair& p, Pattern&) {
    const uint64_t ins = WeightValue(args, 2, "insert");
    const uint64_t del = WeightValue(args, 3, "delete");
    const uint64_t sub = WeightValue(args, 4, "substitute");
    const size_t max = MaxArg(args, 5);
    const uint64_t m = max == SIZE_MAX ? UINT64_MAX : static_cast<uint64_t>(max);
    return static_cast<double>(strdist::weighted_levenshtein(p.a, p.la, p.b, p.lb, ins, del, sub, m));
  });
}

// Metric ids of scoreMany past the four core ones (src/kernel.ts EXTRA_METRIC_IDS).
enum ExtraMetricId : int {
  kIndel = 4,
  kRatio = 5,
  kLcs = 6,
  kHamming = 7,
  kHammingSimilarity = 8,
  kOsa = 9,
  kOsaSimilarity = 10,
  kDamerauLevenshtein = 11,
  kDamerauLevenshteinSimilarity = 12,
};

int ScoreManyMetricArg(const Args& a, size_t i) {
  const double d = NumberArg(a, i, "metric", -1);
  if (!(d >= 0 && d <= 12 && d == std::floor(d))) a.OptionError(i, "metric", "a metric id from 0 to 12");
  return static_cast<int>(d);
}

bool IsDistanceMetric(int metric) {
  return metric == kLevenshtein || metric == kIndel || metric == kHamming || metric == kOsa ||
         metric == kDamerauLevenshtein;
}

// Hamming in scoreMany: param 1 pads; otherwise a choice of another length scores -1 (the
// public wrapper refuses such choices for scoreMany, and extract skips them).
template <class Each>
void ScoreManyExtra(int metric, const uint32_t* q, size_t ql, double param, size_t max, double min, Each&& each) {
  switch (metric) {
    case kIndel: {
      strdist::CachedLcs scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return static_cast<double>(scorer.indel(p, n, max)); });
      break;
    }
    case kRatio: {
      strdist::CachedLcs scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return AtLeast(scorer.ratio(p, n), min); });
      break;
    }
    case kLcs: {
      strdist::CachedLcs scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return static_cast<double>(scorer.lcs(p, n)); });
      break;
    }
    case kHamming:
    case kHammingSimilarity: {
      const bool pad = param == 1;
      const bool similarity = metric == kHammingSimilarity;
      each([&](const uint32_t* p, size_t n) {
        if (!pad && n != ql) return -1.0;
        if (!similarity) return static_cast<double>(strdist::hamming(q, ql, p, n, max));
        return AtLeast(strdist::normalized_similarity(strdist::hamming(q, ql, p, n), std::max(ql, n)), min);
      });
      break;
    }
    case kOsa: {
      strdist::CachedOsa scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return static_cast<double>(scorer.distance(p, n, max)); });
      break;
    }
    case kOsaSimilarity: {
      strdist::CachedOsa scorer(q, ql);
      each([&](const uint32_t* p, size_t n) {
        return AtLeast(strdist::normalized_similarity(scorer.distance(p, n), std::max(ql, n)), min);
      });
      break;
    }
    case kDamerauLevenshtein:
      each([&](const uint32_t* p, size_t n) {
        return static_cast<double>(strdist::damerau_levenshtein(q, ql, p, n, max));
      });
      break;
    case kDamerauLevenshteinSimilarity:
      each([&](const uint32_t* p, size_t n) {
        return AtLeast(strdist::normalized_similarity(strdist::damerau_levenshtein(q, ql, p, n), std::max(ql, n)), min);
      });
      break;
  }
}
// ---- end issue 12 block ----

thread_local std::vector<char16_t> g_query_units, g_joined_units;
thread_local Scratch<uint32_t> g_query_points, g_joined_points;
thread_local std::vector<uint32_t> g_lengths;
thread_local Scratch<double> g_scores;
thread_local Scratch<uint32_t> g_cp_lengths;
thread_local Scratch<size_t> g_cp_offsets;
// scoreMany packs the choices into SIMD lanes from this many on (below, the scalar loop).
constexpr size_t kLanesFrom = 16;

// scoreMany(metric, query, units, lengths: Uint32Array, param, cutoff, out: Float64Array)
// `units` is every choice's UTF-16 units back to back (a Uint16Array, or a joined string), with
// lengths[i] the UTF-16 length of choice i, adding up to the units' length. (The TypeScript side
// packs them, src/backend/pack.ts: the cheapest route measured.)
// param: prefix weight for jaroWinkler; cutoff: maxDistance (levenshtein, negative for none)
// or minSimilarity (similarities). out needs room for one score per choice.
//
// The typed arrays may share memory with each other (out over the same buffer as lengths or
// units) or with other threads (a SharedArrayBuffer): the lengths are read once, into a copy
// that every check and use reads; the units are decoded before the first score is written,
// and only the decoded code points are used after that.
napi_value ScoreMany(const Args& args) {
  const int metric = ScoreManyMetricArg(args, 0);  // issue 12: ids 4..12 too
  const size_t query_units = StringArg(args, 1, "query", g_query_units);
  const char16_t* units;
  size_t copied;
  if (IsTypedArray(args.env, args[2])) {
    const Span<uint16_t> u = TypedArrayArg<uint16_t>(args, 2, "units");
    units = reinterpret_cast<const char16_t*>(u.data);
    copied = u.length;
  } else {
    if (!ReadUtf16(args.env, args[2], g_joined_units, &copied)) args.ArgumentError(2, "units", "a Uint16Array or a string");
    units = g_joined_units.data();
  }
  const Span<uint32_t> lengths_span = TypedArrayArg<uint32_t>(args, 3, "lengths");
  const double param = metric == kJaroWinkler ? WeightArg(args, 4, "prefixWeight") : NumberArg(args, 4, "param", 0);
  size_t max = SIZE_MAX;
  double min = 0;
  if (IsDistanceMetric(metric)) max = SizeArg(args, 5, "maxDistance", Negative::MeansNone, SIZE_MAX);
  else min = SimilarityArg(args, 5, "minSimilarity");
  const Span<double> out = TypedArrayArg<double>(args, 6, "out");
  const size_t count = lengths_span.length;
  if (out.length < count) args.ArgumentError(6, "out", ("a Float64Array of at least " + std::to_string(count)).c_str());
  std::vector<uint32_t>& lengths = g_lengths;
  const uint32_t longest_choice =
      CopyLengths(args, 3, lengths_span, copied, "UTF-16 lengths adding up to the units' length", lengths);

  uint32_t* q = g_query_points.get(query_units + 1);
  const size_t ql = decode_utf16(g_query_units.data(), query_units, q);
  uint32_t* points = g_joined_points.get(copied + 1);
  // The longest choice within the size limit for this query (OverCellLimit, as one compare).
  const uint64_t longest = query_units == 0 ? UINT64_MAX : static_cast<uint64_t>(kMaxCells) / query_units;
  const bool over = longest_choice > longest;
  // Scores go straight into `out` (every unit is read before the first is written, so `out` may
  // share memory with them), unless a choice is over the size limit: it may be refused midway,
  // and `out` is then untouched, so they go into a buffer here, copied into `out` at the end.
  double* res = over ? g_scores.get(count) : out.data;

  const uint32_t* lens = lengths.data();  // a local pointer: `lengths` is thread_local, costly to reach

  // A pair over the size limit is refused unless the choice is the query itself: here before
  // any work, and again in the loop below on the code points it scores (units in shared
  // memory may change in between; decoding is one-to-one, so equal code points are equal units).
  if (over) {
    size_t off = 0;
    for (size_t i = 0; i < count; ++i) {
      const size_t len = lens[i];
      if (len > longest &&
          !(len == query_units && std::memcmp(units + off, g_query_units.data(), len * sizeof(char16_t)) == 0)) {
        ThrowTooLarge(args.fn, query_units, len);
      }
      off += len;
    }
  }

  // Every choice's code points, at cp_offsets[i] in `points`, cp_lengths[i] of them.
  uint32_t* cp_lengths = g_cp_lengths.get(count);
  size_t* cp_offsets = g_cp_offsets.get(count);
  DecodeChoices(units, copied, lens, count, points, cp_lengths);
  for (size_t i = 0, at = 0; i < count; at += cp_lengths[i++]) cp_offsets[i] = at;
  auto choice = [&](size_t i) { return std::make_pair(static_cast<const uint32_t*>(points + cp_offsets[i]), size_t(cp_lengths[i])); };

  bool metric_done = false;
  auto each = [&](auto&& score) {
    for (size_t i = 0; i < count; ++i) {
      const auto [p, n] = choice(i);
      if (lens[i] > longest && !(lens[i] == query_units && n == ql && std::memcmp(p, q, n * sizeof(uint32_t)) == 0)) {
        ThrowTooLarge(args.fn, query_units, lens[i]);
      }
      res[i] = score(p, n);
    }
  };

  // Levenshtein over enough choices: packed into SIMD lanes (multi_levenshtein.hpp), the
  // query as the text.
  const strdist::SimdPath path = strdist::simd_path();
  if (metric <= kLevenshteinSimilarity && path != strdist::SimdPath::Scalar && !over && count >= kLanesFrom) {
    const strdist::CachedLevenshtein scorer(q, ql);
    strdist::levenshtein_lanes_once(scorer, path, max, metric == kLevenshteinSimilarity, count, choice, res);
    metric_done = true;
  }
  // Jaro and Jaro-Winkler likewise (multi_jaro.hpp).
  if ((metric == kJaro || metric == kJaroWinkler) && path != strdist::SimdPath::Scalar && !over && count >= kLanesFrom) {
    strdist::jaro_lanes_once(q, ql, path, metric == kJaroWinkler, param, min, count, choice, res);
    metric_done = true;
  }

  if (!metric_done) switch (metric) {
    case kLevenshtein: {
      strdist::CachedLevenshtein scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return static_cast<double>(scorer.distance(p, n, max)); });
      break;
    }
    case kLevenshteinSimilarity: {
      strdist::CachedLevenshtein scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n); });
      break;
    }
    case kJaro: {
      strdist::CachedJaro scorer(q, ql);
      each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n, min); });
      break;
    }
    case kJaroWinkler: {
      strdist::CachedJaroWinkler scorer(q, ql, param);
      each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n, min); });
      break;
    }
    default:
      ScoreManyExtra(metric, q, ql, param, max, min, each);
      break;
  }
  if (res != out.data && count) std::memcpy(out.data, res, count * sizeof(double));
  g_query_points.trim();
  g_joined_points.trim();
  g_scores.trim();
  g_cp_lengths.trim();
  g_cp_offsets.trim();
  if (g_lengths.size() > kKeepUnits) std::vector<uint32_t>().swap(g_lengths);
  if (g_joined_units.size() > kKeepUnits) std::vector<char16_t>().swap(g_joined_units);
  if (g_query_units.size() > kKeepUnits) std::vector<char16_t>().swap(g_query_units);
  napi_value undefined;
  Check(napi_get_undefined(args.env, &undefined));
  return undefined;
}

napi_value CpuFeatures(napi_env env) {
  const strdist::CpuFeatures& f = strdist::cpu_features();
  const std::pair<bool, const char*> all[] = {{f.popcnt, "popcnt"},   {f.sse42, "sse4.2"},
                                              {f.avx2, "avx2"},       {f.bmi2, "bmi2"},
                                              {f.avx512f, "avx512f"}, {f.avx512bw, "avx512bw"},
                                              {f.neon, "neon"}};
  napi_value list;
  Check(napi_create_array(env, &list));
  uint32_t i = 0;
  for (const auto& [has, name] : all) {
    if (!has) continue;
    napi_value s;
    Check(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &s));
    Check(napi_set_element(env, list, i++, s));
  }
  return list;
}

// Keeps this library loaded for the life of the process. Node unloads an addon when the last
// environment that loaded it (a worker_thread) goes away, but the library's threads (pool.hpp)
// outlive any one environment: their code must stay mapped.
void PinLibrary() {
  static const bool pinned = [] {
#if defined(_WIN32)
    HMODULE self;
    return GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                              reinterpret_cast<LPCWSTR>(&PinLibrary), &self) != 0;
#else
    Dl_info info;
    return dladdr(reinterpret_cast<void*>(&PinLibrary), &info) != 0 && info.dli_fname != nullptr &&
           dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE) != nullptr;  // never closed, on purpose
#endif
  }();
  if (!pinned) throw std::runtime_error("cannot keep the addon loaded (dlopen/GetModuleHandleEx failed)");
}

napi_value Init(napi_env env, napi_value exports) {
  return Guard(env, [&] {
    PinLibrary();
    // This environment's state, kept by the instance data and by the cleanup hook, which
    // cancels the in-flight jobs when the environment shuts down.
    auto state = std::make_shared<EnvState>();
    auto* for_data = new std::shared_ptr<EnvState>(state);
    if (napi_set_instance_data(
            env, for_data, [](napi_env, void* p, void*) { delete static_cast<std::shared_ptr<EnvState>*>(p); },
            nullptr) != napi_ok) {
      delete for_data;
      throw NapiCallFailed();
    }
    auto* for_hook = new std::shared_ptr<EnvState>(state);
    if (napi_add_env_cleanup_hook(
            env,
            [](void* p) {
              auto* s = static_cast<std::shared_ptr<EnvState>*>(p);
              (*s)->cancel_all();
              delete s;
            },
            for_hook) != napi_ok) {
      delete for_hook;
      throw NapiCallFailed();
    }

    SetPairFunction(env, exports, "levenshtein", Levenshtein);
    SetPairFunction(env, exports, "levenshteinSimilarity", LevenshteinSimilarity);
    SetPairFunction(env, exports, "jaro", Jaro);
    SetPairFunction(env, exports, "jaroWinkler", JaroWinkler);
    SetFunction(env, exports, "scoreMany", Export<ScoreMany>);
    // issue 12
    SetPairFunction(env, exports, "indel", Indel);
    SetPairFunction(env, exports, "ratio", Ratio);
    SetPairFunction(env, exports, "longestCommonSubsequence", LongestCommonSubsequence);
    SetPairFunction(env, exports, "hamming", Hamming);
    SetPairFunction(env, exports, "hammingSimilarity", HammingSimilarity);
    SetPairFunction(env, exports, "osa", Osa);
    SetPairFunction(env, exports, "osaSimilarity", OsaSimilarity);
    SetPairFunction(env, exports, "damerauLevenshtein", DamerauLevenshtein);
    SetPairFunction(env, exports, "damerauLevenshteinSimilarity", DamerauLevenshteinSimilarity);
    SetPairFunction(env, exports, "levenshteinWeighted", LevenshteinWeighted);
    napi_value v;
    Check(napi_create_int32(env, STRDIST_KERNEL_VERSION, &v));
    SetNamed(env, exports, "kernelVersion", v);
    Check(napi_create_int32(env, NAPI_VERSION, &v));
    SetNamed(env, exports, "napiVersion", v);
    SetNamed(env, exports, "cpuFeatures", CpuFeatures(env));
    InitSearch(env, exports);
    InitPrepared(env, exports);
    InitJoin(env, exports);
    return exports;
  });
}

}  // namespace
}  // namespace strdist_addon

NAPI_MODULE_INIT() { return strdist_addon::Init(env, exports); }
