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

template <class Ops, unsigned W>
void lanes_jaro_w(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                  LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  using R = typename Ops::R;
  constexpr int K = Ops::kRegs;
  constexpr int kB = Ops::kBytes;
  const R zero = Ops::zero();
  const R one = Ops::template one<W>();
  const size_t base = v.batches[cls][b0].lane_at;
  for (size_t bi = b0; bi < b1; ++bi) {
    const LaneBatch& b = v.batches[cls][bi];
    alignas(64) uint64_t window0[8], bound0[8];
    size_t uniform;
    const size_t t_end = jaro_batch_setup(b, W, v.lane_len, n, window0, bound0, &uniform);
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
    jaro_lanes_finish(b, W, p_out, t_out, matches, trans, base);
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
