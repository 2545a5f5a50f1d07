// strdist — the lane kernel of multi_levenshtein.hpp, written once over a small set of vector
// operations (Ops) and compiled once per ISA by multi_levenshtein_avx2.cc and
// multi_levenshtein_avx512.cc, each inside its own target region. Included only there.
//
// levenshtein_hyrroe2003_simd: Hyyrö 2003 (see levenshtein.hpp) in every lane of a 512-bit
// batch at once. Per query code point: one load of the batch's match vector, then
//   D0 = (((X & VP) + VP) ^ VP) | X | VN      the addition lane by lane (epi8..epi64)
//   HP = VN | ~(D0 | VP),  HN = D0 & VP
//   HP = (HP << 1) | 1,    HN = HN << 1       shifts as lane-wise x + x
//   VP = HN | ~(D0 | HP),  VN = HP & D0
// A batch is Ops::kRegs registers (2 x 256 bits, or 1 x 512): independent chains, so the
// AVX2 path keeps two recurrences in flight.
#pragma once

#include <type_traits>

#include "multi_levenshtein.hpp"

namespace strdist {
namespace detail {
namespace STRDIST_SIMD_NS {

// The signed integer of one W-bit lane.
template <unsigned W>
using LaneInt = std::conditional_t<W == 8, int8_t, std::conditional_t<W == 16, int16_t, std::conditional_t<W == 32, int32_t, int64_t>>>;

// lanes_finish in vector registers: per lane, popcount(VP & rows) - popcount(VN & rows) (within
// +-W, so it fits the lane as a signed number) with the rows of the batch's row-mask vector,
// then dist = n + that, widened lane by lane in a loop the compiler vectorises. Measured with
// callgrind on word-length choices (AVX2 path): the finish done word by word in scalar code was
// ~14 instructions a choice, more than the recurrence (~12); lanes_finish stays the reference.
template <class Ops, unsigned W>
void lanes_finish_v(const LaneBatch& b, const typename Ops::R* VP, const typename Ops::R* VN, size_t n, uint32_t* dist,
                    size_t base) {
  constexpr uint32_t kLanes = 512 / W;
  alignas(64) LaneInt<W> diff[kLanes];
  for (int k = 0; k < Ops::kRegs; ++k) {
    const typename Ops::R rows = Ops::load(b.vectors[b.len_mask].bytes + k * Ops::kBytes);
    const typename Ops::R p = Ops::template lane_popcount<W>(Ops::and_(VP[k], rows));
    const typename Ops::R m = Ops::template lane_popcount<W>(Ops::and_(VN[k], rows));
    Ops::store(reinterpret_cast<uint8_t*>(diff) + k * Ops::kBytes, Ops::template sub<W>(p, m));
  }
  dist += b.lane_at - base;
  const uint32_t n32 = static_cast<uint32_t>(n);  // the distance modulo 2^32, as lanes_finish casts it
  auto widen = [&](uint32_t lanes) {
    for (uint32_t l = 0; l < lanes; ++l) dist[l] = n32 + static_cast<uint32_t>(static_cast<int32_t>(diff[l]));
  };
  if (b.lanes == kLanes) widen(kLanes);  // a full batch: a constant trip count
  else widen(b.lanes);
}

template <class Ops, unsigned W>
void lanes_levenshtein_w(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                         uint32_t* dist) {
  using R = typename Ops::R;
  constexpr int K = Ops::kRegs;
  const R ones = Ops::ones();
  const R one = Ops::template one<W>();
  const size_t base = v.batches[cls][b0].lane_at;
  for (size_t bi = b0; bi < b1; ++bi) {
    const LaneBatch& b = v.batches[cls][bi];
    R VP[K], VN[K];
    for (int k = 0; k < K; ++k) VP[k] = ones, VN[k] = Ops::zero();
    for (size_t j = 0; j < n; ++j) {
      const uint8_t* x = batch_vector(b, t[j]).bytes;
      for (int k = 0; k < K; ++k) {
        const R X = Ops::load(x + k * Ops::kBytes);
        const R vp = VP[k], vn = VN[k];
        const R D0 = Ops::or_(Ops::or_(Ops::xor_(Ops::template add<W>(Ops::and_(X, vp), vp), vp), X), vn);
        R HP = Ops::or_(vn, Ops::xor_(Ops::or_(D0, vp), ones));
        R HN = Ops::and_(D0, vp);
        HP = Ops::or_(Ops::template add<W>(HP, HP), one);
        HN = Ops::template add<W>(HN, HN);
        VP[k] = Ops::or_(HN, Ops::xor_(Ops::or_(D0, HP), ones));
        VN[k] = Ops::and_(HP, D0);
      }
    }
    lanes_finish_v<Ops, W>(b, VP, VN, n, dist, base);
  }
}

template <class Ops>
void lanes_levenshtein(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                       uint32_t* dist) {
  if (b0 >= b1) return;
  switch (cls) {
    case 0: return lanes_levenshtein_w<Ops, 8>(v, cls, b0, b1, t, n, dist);
    case 1: return lanes_levenshtein_w<Ops, 16>(v, cls, b0, b1, t, n, dist);
    case 2: return lanes_levenshtein_w<Ops, 32>(v, cls, b0, b1, t, n, dist);
    default: return lanes_levenshtein_w<Ops, 64>(v, cls, b0, b1, t, n, dist);
  }
}

}  // namespace STRDIST_SIMD_NS
}  // namespace detail
}  // namespace strdist
