// The AVX2 lane kernel (multi_levenshtein_simd.hpp), compiled for AVX2 in this translation
// unit only: the rest of the addon stays baseline x86-64, and this code runs only after
// simd_path_supported(SimdPath::Avx2) said the CPU has it. No -march flag anywhere.
#include "multi_levenshtein.hpp"

#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
#include <immintrin.h>

// Every function defined from here on is compiled for AVX2 (the standard headers above stay
// baseline; the kernel's names are in a namespace of this file, so no inline function is
// shared with the baseline code).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,popcnt")
#endif

#define STRDIST_SIMD_NS avx2
#include "multi_levenshtein_simd.hpp"

namespace strdist {
namespace detail {
namespace avx2 {

#include "lane_ops_avx2.hpp"

struct Ops : LaneOps {
  // The bit count of every W-bit lane: per byte from a nibble table, then summed per lane.
  template <unsigned W>
  static R lane_popcount(R x) {
    const R table = _mm256_broadcastsi128_si256(_mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
    const R low4 = _mm256_set1_epi8(0x0f);
    const R bytes = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, low4)),
                                   _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low4)));
    if constexpr (W == 8) return bytes;
    else if constexpr (W == 64) return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
    else {
      const R words = _mm256_add_epi16(_mm256_and_si256(bytes, _mm256_set1_epi16(0xff)), _mm256_srli_epi16(bytes, 8));
      if constexpr (W == 16) return words;
      else return _mm256_madd_epi16(words, _mm256_set1_epi16(1));
    }
  }
};

}  // namespace avx2

void lane_match_vectors_avx2(const uint32_t* cells, const uint32_t* points, size_t m, LaneVector* out) {
  for (size_t j = 0; j < m; ++j) {
    const __m256i c = _mm256_set1_epi32(static_cast<int>(points[j]));
    for (int i = 0; i < 64; ++i) {  // 8 cells a compare
      const __m256i eq = _mm256_cmpeq_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(cells + 8 * i)), c);
      out[j].bytes[i] = static_cast<uint8_t>(_mm256_movemask_ps(_mm256_castsi256_ps(eq)));
    }
  }
}

void lanes_levenshtein_avx2(const PackedChoicesView& view, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                            uint32_t* dist) {
  avx2::lanes_levenshtein<avx2::Ops>(view, cls, b0, b1, t, n, dist);
}

}  // namespace detail
}  // namespace strdist

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
