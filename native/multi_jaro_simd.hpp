// strdist — the Jaro lane kernel of multi_jaro.hpp, written once over a small set of vector
// operations (Ops) and compiled once per ISA by multi_jaro_avx2.cc and multi_jaro_avx512.cc,
// each inside its own target region. Included only there; STRDIST_JARO_NS names the ISA's
// namespace (distinct from the Levenshtein kernels' so no inline function is shared).
//
// Per batch (see multi_jaro.hpp): pass 1 flags the matches and keeps each step's lowest-bit
// vector in `steps`; pass 2 reads them back to pair matched text and pattern positions in
// order and counts, lane by lane, the pairs whose pattern code point differs from the text's.
#pragma once

#include "multi_jaro.hpp"

namespace strdist {
namespace detail {
namespace STRDIST_JARO_NS {

// Per-lane bit counts of x in lanes of W bits (SWAR). The Levenshtein kernel has its own copy
// in its ISA namespace: each ISA's functions stay in that ISA's namespace.
template <unsigned W>
inline uint64_t lane_popcounts(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  if (W >= 16) x = (x + (x >> 8)) & 0x00ff00ff00ff00ffull;
  if (W >= 32) x = (x + (x >> 16)) & 0x0000ffff0000ffffull;
  if (W >= 64) x = (x + (x >> 32)) & 0xffffffffull;
  return x;
}

// jaro_lanes_finish with the lane width known when compiling: the match counts of a whole
// 64-bit word at once, constant shifts for full words.
template <unsigned W>
void jaro_finish_w(const LaneBatch& b, const uint64_t* P, const uint64_t* T, uint8_t* matches, uint8_t* trans,
                   size_t base) {
  constexpr unsigned kPer = 64 / W;
  constexpr uint64_t kLane = W == 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1;
  matches += b.lane_at - base;
  trans += b.lane_at - base;
  const uint32_t words = (b.lanes + kPer - 1) / kPer;
  for (uint32_t w = 0; w < words; ++w) {
    const uint64_t m = lane_popcounts<W>(P[w]), t = T[w];
    const uint32_t l0 = w * kPer;
    if (l0 + kPer <= b.lanes) {
      for (unsigned k = 0; k < kPer; ++k) {
        matches[l0 + k] = static_cast<uint8_t>((m >> (k * W)) & kLane);
        trans[l0 + k] = static_cast<uint8_t>((t >> (k * W)) & kLane);
      }
    } else {
      for (uint32_t l = l0; l < b.lanes; ++l) {
        matches[l] = static_cast<uint8_t>((m >> ((l - l0) * W)) & kLane);
        trans[l] = static_cast<uint8_t>((t >> ((l - l0) * W)) & kLane);
      }
    }
  }
}

// jaro_batch_setup with the lane width known when compiling and, when the bounds differ
// between lanes (n < W), each lane's bound and starting window read from tables by length.
template <unsigned W>
size_t jaro_setup_w(const LaneBatch& b, const uint8_t* lane_len, size_t n, const uint64_t* bound_of,
                    const uint64_t* window_of, uint64_t* window, uint64_t* bound, size_t* uniform) {
  if (n >= W) return jaro_batch_setup(b, W, lane_len, n, window, bound, uniform);
  constexpr unsigned kPer = 64 / W;
  const uint8_t* len = lane_len + b.lane_at;
  std::memset(window, 0, 64);
  std::memset(bound, 0, 64);
  const uint32_t words = (b.lanes + kPer - 1) / kPer;
  for (uint32_t w = 0; w < words; ++w) {
    const uint32_t l0 = w * kPer;
    uint64_t win = 0, bnd = 0;
    if (l0 + kPer <= b.lanes) {
      for (unsigned k = 0; k < kPer; ++k) {
        win |= window_of[len[l0 + k]] << (k * W);
        bnd |= bound_of[len[l0 + k]] << (k * W);
      }
    } else {
      for (uint32_t l = l0; l < b.lanes; ++l) {
        win |= window_of[len[l]] << ((l - l0) * W);
        bnd |= bound_of[len[l]] << ((l - l0) * W);
      }
    }
    window[w] = win;
    bound[w] = bnd;
  }
  *uniform = SIZE_MAX;
  return n;  // n < W: at most W steps, and lanes past their window see nothing
}

template <class Ops, unsigned W>
void lanes_jaro_w(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                  LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  using R = typename Ops::R;
  constexpr int K = Ops::kRegs;
  constexpr int kB = Ops::kBytes;
  const R zero = Ops::zero();
  const R one = Ops::template one<W>();
  const size_t base = v.batches[cls][b0].lane_at;
  // By lane length (n < W): the bound B and the starting window low(B + 1).
  uint64_t bound_of[W + 1], window_of[W + 1];
  for (size_t len = 0; len <= W && n < W; ++len) {
    bound_of[len] = jaro_window(len, n);
    window_of[len] = (uint64_t(1) << (bound_of[len] + 1)) - 1;  // B + 1 <= W / 2
  }
  for (size_t bi = b0; bi < b1; ++bi) {
    const LaneBatch& b = v.batches[cls][bi];
    alignas(64) uint64_t window0[8], bound0[8];
    size_t uniform;
    const size_t t_end = jaro_setup_w<W>(b, v.lane_len, n, bound_of, window_of, window0, bound0, &uniform);
    R win[K], bound[K], P[K];
    for (int k = 0; k < K; ++k) {
      win[k] = Ops::load(reinterpret_cast<const uint8_t*>(window0) + k * kB);
      bound[k] = Ops::load(reinterpret_cast<const uint8_t*>(bound0) + k * kB);
      P[k] = zero;
    }
    // Pass 1: flag the matches.
    for (size_t j = 0; j < t_end; ++j) {
      const uint8_t* x = batch_vector(b, t[j]).bytes;
      uint8_t* s = steps[j].bytes;
      // grow: 1 in the lanes whose window still widens (j < B_l).
      const R jv = Ops::template set1<W>(j);
      for (int k = 0; k < K; ++k) {
        const R grow = uniform != SIZE_MAX ? (j < uniform ? one : zero)
                                           : Ops::and_(Ops::template gt<W>(bound[k], jv), one);
        const R cand = Ops::andnot(P[k], Ops::and_(Ops::load(x + k * kB), win[k]));
        const R low = Ops::and_(cand, Ops::template sub<W>(zero, cand));
        P[k] = Ops::or_(P[k], low);
        Ops::store(s + k * kB, low);
        win[k] = Ops::or_(Ops::template add<W>(win[k], win[k]), grow);
      }
    }
    // Pass 2: pair the k-th matched text and pattern positions.
    R rem[K], T[K];
    for (int k = 0; k < K; ++k) rem[k] = P[k], T[k] = zero;
    for (size_t j = 0; j < t_end; ++j) {
      const uint8_t* x = batch_vector(b, t[j]).bytes;
      const uint8_t* s = steps[j].bytes;
      for (int k = 0; k < K; ++k) {
        const R unmatched = Ops::template eqz<W>(Ops::load(s + k * kB));
        const R pbit = Ops::and_(rem[k], Ops::template sub<W>(zero, rem[k]));
        const R differ = Ops::template eqz<W>(Ops::and_(Ops::load(x + k * kB), pbit));
        T[k] = Ops::template sub<W>(T[k], Ops::andnot(unmatched, differ));  // differ is -1 per lane
        rem[k] = Ops::xor_(rem[k], Ops::andnot(unmatched, pbit));
      }
    }
    alignas(64) uint64_t p_out[8], t_out[8];
    for (int k = 0; k < K; ++k) {
      Ops::store(reinterpret_cast<uint8_t*>(p_out) + k * kB, P[k]);
      Ops::store(reinterpret_cast<uint8_t*>(t_out) + k * kB, T[k]);
    }
    jaro_finish_w<W>(b, p_out, t_out, matches, trans, base);
  }
}

template <class Ops>
void lanes_jaro(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  if (b0 >= b1) return;
  switch (cls) {
    case 0: return lanes_jaro_w<Ops, 8>(v, cls, b0, b1, t, n, steps, matches, trans);
    case 1: return lanes_jaro_w<Ops, 16>(v, cls, b0, b1, t, n, steps, matches, trans);
    case 2: return lanes_jaro_w<Ops, 32>(v, cls, b0, b1, t, n, steps, matches, trans);
    default: return lanes_jaro_w<Ops, 64>(v, cls, b0, b1, t, n, steps, matches, trans);
  }
}

}  // namespace STRDIST_JARO_NS
}  // namespace detail
}  // namespace strdist
