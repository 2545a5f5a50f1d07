// The AVX-512BW lane kernel (multi_levenshtein_simd.hpp), compiled for AVX-512F and AVX-512BW in this translation
// unit only: the rest of the addon stays baseline x86-64, and this code runs only after
// simd_path_supported(SimdPath::Avx512) said the CPU has them. No -march flag anywhere.
#include "multi_levenshtein.hpp"

#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
#include <immintrin.h>

// Every function defined from here on is compiled for AVX-512F and AVX-512BW (the standard headers above stay
// baseline; the kernel's names are in a namespace of this file, so no inline function is
// shared with the baseline code).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,popcnt")
#endif

#define STRDIST_SIMD_NS avx512
#include "multi_levenshtein_simd.hpp"

namespace strdist {
namespace detail {
namespace avx512 {

#include "lane_ops_avx512.hpp"

struct Ops : LaneOps {
  // The bit count of every W-bit lane: per byte from a nibble table, then summed per lane.
  template <unsigned W>
  static R lane_popcount(R x) {
    const R table = _mm512_set4_epi32(0x04030302, 0x03020201, 0x03020201, 0x02010100);  // bytes 0 1 1 2 1 2 2 3 ...
    const R low4 = _mm512_set1_epi8(0x0f);
    const R bytes = _mm512_add_epi8(_mm512_shuffle_epi8(table, _mm512_and_si512(x, low4)),
                                   _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(x, 4), low4)));
    if constexpr (W == 8) return bytes;
    else if constexpr (W == 64) return _mm512_sad_epu8(bytes, _mm512_setzero_si512());
    else {
      const R words = _mm512_add_epi16(_mm512_and_si512(bytes, _mm512_set1_epi16(0xff)), _mm512_srli_epi16(bytes, 8));
      if constexpr (W == 16) return words;
      else return _mm512_madd_epi16(words, _mm512_set1_epi16(1));
    }
  }
};

}  // namespace avx512

void lane_match_vectors_avx512(const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out) {
  for (size_t j = 0; j < m; ++j) {
    const __m512i c = _mm512_set1_epi32(static_cast<int>(points[j]));
    uint16_t bits[32];  // 16 cells a compare
    for (int i = 0; i < 32; ++i) bits[i] = _mm512_cmpeq_epi32_mask(_mm512_load_si512(cells + 16 * i), c);
    std::memcpy(out[j].bytes, bits, 64);
  }
}

void lanes_levenshtein_avx512(const PackedChoicesView& view, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                            uint32_t* dist) {
  avx512::lanes_levenshtein<avx512::Ops>(view, cls, b0, b1, t, n, dist);
}

}  // namespace detail
}  // namespace strdist

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
