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

#include "multi_levenshtein.hpp"

namespace strdist {
namespace detail {
namespace STRDIST_SIMD_NS {

// Per-lane bit counts of x in lanes of W bits (SWAR: every field is summed inside its lane).
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

// lanes_finish with the lane width known when compiling and the rows masked by the batch's
// row-mask vector: the bit counts of a whole 64-bit word at once, then one subtraction per
// lane (measured with callgrind: the per-lane finish was ~25 of ~45 instructions per choice
// of the AVX2 path on word-length choices, the recurrence itself a few). lanes_finish stays
// the reference.
template <unsigned W>
void lanes_finish_w(const LaneBatch& b, const uint64_t* vp, const uint64_t* vn, size_t n, uint32_t* dist, size_t base) {
  constexpr unsigned kPer = 64 / W;
  constexpr uint64_t kLane = W == 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1;
  dist += b.lane_at - base;
  uint64_t mask[8];
  std::memcpy(mask, b.vectors[b.len_mask].bytes, 64);
  const uint32_t words = (b.lanes + kPer - 1) / kPer;
  for (uint32_t w = 0; w < words; ++w) {
    const uint64_t p = lane_popcounts<W>(vp[w] & mask[w]), m = lane_popcounts<W>(vn[w] & mask[w]);
    const uint32_t l0 = w * kPer;
    if (l0 + kPer <= b.lanes) {  // a full word: a fixed number of lanes, constant shifts
      for (unsigned k = 0; k < kPer; ++k)
        dist[l0 + k] = static_cast<uint32_t>(n + ((p >> (k * W)) & kLane) - ((m >> (k * W)) & kLane));
    } else {
      for (uint32_t l = l0; l < b.lanes; ++l) {
        const unsigned shift = (l - l0) * W;
        dist[l] = static_cast<uint32_t>(n + ((p >> shift) & kLane) - ((m >> shift) & kLane));
      }
    }
  }
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
    alignas(64) uint64_t vp[8], vn[8];
    for (int k = 0; k < K; ++k) {
      Ops::store(reinterpret_cast<uint8_t*>(vp) + k * Ops::kBytes, VP[k]);
      Ops::store(reinterpret_cast<uint8_t*>(vn) + k * Ops::kBytes, VN[k]);
    }
    lanes_finish_w<W>(b, vp, vn, n, dist, base);
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
