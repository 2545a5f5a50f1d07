// The AVX2 Jaro lane kernel (multi_jaro_simd.hpp), compiled for AVX2 in this translation unit
// only; it runs only after simd_path_supported(SimdPath::Avx2) said the CPU has it.
#include "multi_jaro.hpp"

#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
#include <immintrin.h>

// Every function defined from here on is compiled for AVX2 (see multi_levenshtein_avx2.cc).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,popcnt")
#endif

#define STRDIST_JARO_NS jaro_avx2
#include "multi_jaro_simd.hpp"

namespace strdist {
namespace detail {
namespace jaro_avx2 {

#include "lane_ops_avx2.hpp"

struct Ops : LaneOps {
  // All ones in the lanes where a > b (signed).
  template <unsigned W>
  static R gt(R a, R b) {
    if constexpr (W == 8) return _mm256_cmpgt_epi8(a, b);
    else if constexpr (W == 16) return _mm256_cmpgt_epi16(a, b);
    else if constexpr (W == 32) return _mm256_cmpgt_epi32(a, b);
    else return _mm256_cmpgt_epi64(a, b);
  }
  // All ones in the lanes where a == 0.
  template <unsigned W>
  static R eqz(R a) {
    const R z = _mm256_setzero_si256();
    if constexpr (W == 8) return _mm256_cmpeq_epi8(a, z);
    else if constexpr (W == 16) return _mm256_cmpeq_epi16(a, z);
    else if constexpr (W == 32) return _mm256_cmpeq_epi32(a, z);
    else return _mm256_cmpeq_epi64(a, z);
  }
};

}  // namespace jaro_avx2

void lanes_jaro_avx2(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                     LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  jaro_avx2::lanes_jaro<jaro_avx2::Ops>(v, cls, b0, b1, t, n, steps, matches, trans);
}

}  // namespace detail
}  // namespace strdist

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
