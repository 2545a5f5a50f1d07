// Character signatures of the corpus search.
//
// Each code point falls in one of 32 buckets; a word's signature stores each bucket's count as
// a thermometer code (levels 1..4): bit b of `lo` = count_b >= 1, bit 32+b = count_b >= 2, bit
// b of `hi` = count_b >= 3, bit 32+b = count_b >= 4. The common code points of a query and a
// word (multiset intersection) are then at most popcount(q & w) over the 128 bits, plus the
// query's excess over level 4 wherever the word is saturated.
//
// The index stores the signatures bit-sliced per length group (BitPlanes): plane p of a group
// holds bit p of every word's signature, 64 words to a machine word. A query reads only the
// planes where its own signature has bits, and counts, for 64 words at once, the query bits
// each word lacks (its misses) in a bit-sliced 4-bit counter; common = query bits - misses.
// Reading the rarest planes first, a run of 64 words is dropped as soon as every word in it
// has missed more than the cutoff allows, usually after a few planes. Eight more planes hold
// a hash of each word's first code point, for Jaro-Winkler's first-character-aware bound.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "filter.hpp"

namespace strdist {
namespace detail {

inline uint32_t bucket_of(uint32_t c) { return (c ^ (c >> 5) ^ (c >> 10) ^ (c >> 15)) & 31u; }

// The thermometer code of 32 bucket counts (each already capped at 4 or not: levels above 4
// are not stored).
inline Signature levels_of(const uint32_t* counts) {
  Signature sig;
  for (uint32_t b = 0; b < 32; ++b) {
    const uint32_t c = counts[b];
    if (c >= 1) sig.lo |= uint64_t(1) << b;
    if (c >= 2) sig.lo |= uint64_t(1) << (32 + b);
    if (c >= 3) sig.hi |= uint64_t(1) << b;
    if (c >= 4) sig.hi |= uint64_t(1) << (32 + b);
  }
  return sig;
}

template <typename CharT>
inline Signature signature_of(const CharT* s, size_t n) {
  uint32_t counts[32] = {0};
  for (size_t i = 0; i < n; ++i) ++counts[bucket_of(static_cast<uint32_t>(s[i]))];
  return levels_of(counts);
}

// The hash of a first code point kept in the first-character planes (equal code points, equal
// hashes: a differing hash proves differing first characters).
inline uint32_t first_hash(uint32_t c) { return (c ^ (c >> 8) ^ (c >> 16)) & 0xffu; }

constexpr size_t kSignaturePlanes = 128;  // plane p: bit p of lo (p < 64), else bit p - 64 of hi
constexpr size_t kFirstPlanes = 8;        // planes 128..135: bits of first_hash
constexpr size_t kPlanes = kSignaturePlanes + kFirstPlanes;

inline bool signature_bit(const Signature& s, size_t p) {
  return ((p < 64 ? s.lo >> p : s.hi >> (p - 64)) & 1) != 0;
}

// The query side of the character bound.
struct QuerySignature {
  Signature sig;
  uint32_t excess_mask = 0;     // buckets where the query has more than 4
  uint32_t excess[32] = {0};    // count - 4 there
  FilterQuery filter;

  explicit QuerySignature(const uint32_t* q, size_t n) {
    uint32_t full[32] = {0}, capped[32];
    for (size_t i = 0; i < n; ++i) ++full[bucket_of(q[i])];
    for (uint32_t b = 0; b < 32; ++b) {
      capped[b] = std::min<uint32_t>(full[b], 4);
      if (full[b] > 4) {
        excess_mask |= 1u << b;
        excess[b] = full[b] - 4;
      }
    }
    sig = levels_of(capped);
    filter.lo = sig.lo;
    filter.hi = sig.hi;
    filter.excess_mask = excess_mask;
    for (uint32_t b = 0; b < 32; ++b) filter.excess_total += excess[b];
  }

  // An upper bound on the multiset intersection of the query's and the word's code points.
  uint32_t common_bound(const Signature& w) const {
    uint32_t c = static_cast<uint32_t>(popcount64(sig.lo & w.lo) + popcount64(sig.hi & w.hi));
    uint32_t sat = excess_mask & static_cast<uint32_t>(w.hi >> 32);
    while (sat) {
      c += excess[ctz64(sat)];
      sat &= sat - 1;
    }
    return c;
  }
};

// A bit-sliced 5-bit counter over 64 words (c[k] holds bit k of each word's count), sticking at
// 31. The search counts each word's misses from a start value S = 15 - allowed, so a word
// with more than `allowed` misses reaches 16: bit 4 set is "dead", one AND per 64 words. When
// a later, lower floor allows more misses, subtract() moves the start down and counting goes on
// from where it stopped (a word stuck at 31 then undercounts its misses: a bound that only
// weakens, still safe).
struct SlicedCounter {
  uint64_t c[5];
  void set(uint32_t v) {
    for (int k = 0; k < 5; ++k) c[k] = ((v >> k) & 1) ? ~uint64_t(0) : 0;
  }
  uint64_t saturated() const { return c[0] & c[1] & c[2] & c[3] & c[4]; }
  uint64_t dead() const { return c[4]; }
  // Adds one to the words in `m` (those at 31 stay there; `guard` false: the caller knows no
  // word can pass 31).
  void add(uint64_t m, bool guard = true) {
    if (guard) m &= ~saturated();
    for (int k = 0; k < 4; ++k) {
      const uint64_t carry = c[k] & m;
      c[k] ^= m;
      m = carry;
    }
    c[4] |= m;
  }
  // Subtracts v from every word (no word holds less than v).
  void subtract(uint32_t v) {
    uint64_t borrow = 0;
    for (int k = 0; k < 5; ++k) {
      const uint64_t b = ((v >> k) & 1) ? ~uint64_t(0) : 0;
      const uint64_t a = c[k];
      c[k] = a ^ b ^ borrow;
      borrow = (~a & (b | borrow)) | (b & borrow);
    }
  }
  // The words whose count (bit-sliced in c[0..4]) is v.
  static uint64_t equals(const uint64_t* c, uint32_t v) {
    uint64_t e = ~uint64_t(0);
    for (int k = 0; k < 5; ++k) e &= ((v >> k) & 1) ? c[k] : ~c[k];
    return e;
  }
};

}  // namespace detail
}  // namespace strdist
