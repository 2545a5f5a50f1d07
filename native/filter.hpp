// The row-wise character-count filter, used by the joins (join.hpp; the closest-word search
// reads bit planes instead, corpus_signatures.hpp): for a run of word signatures, the offsets
// of the words whose common-character bound reaches `need`. Branch-free (a compaction store),
// and compiled twice: with the popcnt instruction, picked at run time when the CPU has it, and
// without it for baseline x86-64 (where popcount is a library call).
#pragma once

#include <cstddef>
#include <cstdint>

#include "intrinsics.hpp"

namespace strdist {
namespace detail {

// Thermometer-coded bucket counts (see corpus_signatures.hpp): bit b of `lo` = count_b >= 1, bit 32+b =
// count_b >= 2; bit b of `hi` = count_b >= 3, bit 32+b = count_b >= 4.
struct Signature {
  uint64_t lo = 0, hi = 0;
};

struct FilterQuery {
  uint64_t lo = 0, hi = 0;
  uint32_t excess_mask = 0;   // buckets where the query holds more than 4
  uint32_t excess_total = 0;  // the sum of (count - 4) over those buckets
};

STRDIST_ALWAYS_INLINE size_t filter_body(const Signature* sigs, size_t n, const FilterQuery& q, uint32_t need,
                                         uint32_t* out) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const Signature s = sigs[i];
    uint32_t c = popcount64(q.lo & s.lo) + popcount64(q.hi & s.hi);
    // Where the word is saturated (4 or more) and the query has more, the query's excess may
    // match too: adding all of it keeps the bound an upper bound.
    c += (static_cast<uint32_t>(s.hi >> 32) & q.excess_mask) ? q.excess_total : 0u;
    out[k] = static_cast<uint32_t>(i);
    k += c >= need;
  }
  return k;
}

using FilterFn = size_t (*)(const Signature*, size_t, const FilterQuery&, uint32_t, uint32_t*);

inline size_t filter_generic(const Signature* s, size_t n, const FilterQuery& q, uint32_t need, uint32_t* out) {
  return filter_body(s, n, q, need, out);
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt"))) inline size_t filter_popcnt(const Signature* s, size_t n, const FilterQuery& q,
                                                              uint32_t need, uint32_t* out) {
  return filter_body(s, n, q, need, out);
}
inline FilterFn pick_filter() {
  static const FilterFn fn = cpu_features().popcnt ? &filter_popcnt : &filter_generic;
  return fn;
}
#else
inline FilterFn pick_filter() { return &filter_generic; }
#endif

}  // namespace detail
}  // namespace strdist
