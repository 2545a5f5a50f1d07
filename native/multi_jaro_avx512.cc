// The AVX-512BW Jaro lane kernel (multi_jaro_simd.hpp), compiled for AVX-512F and AVX-512BW in
// this translation unit only; it runs only after simd_path_supported(SimdPath::Avx512) said the
// CPU has them.
#include "multi_jaro.hpp"

#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
#include <immintrin.h>

// Every function defined from here on is compiled for AVX-512F and AVX-512BW (see
// multi_levenshtein_avx512.cc).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,popcnt")
#endif

#define STRDIST_JARO_NS jaro_avx512
#include "multi_jaro_simd.hpp"

namespace strdist {
namespace detail {
namespace jaro_avx512 {

#include "lane_ops_avx512.hpp"

struct Ops : LaneOps {
  // All ones in the lanes where a > b (signed): the compare's mask, widened to lanes.
  template <unsigned W>
  static R gt(R a, R b) {
    const R ones_ = ones();
    if constexpr (W == 8) return _mm512_maskz_mov_epi8(_mm512_cmpgt_epi8_mask(a, b), ones_);
    else if constexpr (W == 16) return _mm512_maskz_mov_epi16(_mm512_cmpgt_epi16_mask(a, b), ones_);
    else if constexpr (W == 32) return _mm512_maskz_mov_epi32(_mm512_cmpgt_epi32_mask(a, b), ones_);
    else return _mm512_maskz_mov_epi64(_mm512_cmpgt_epi64_mask(a, b), ones_);
  }
  // All ones in the lanes where a == 0.
  template <unsigned W>
  static R eqz(R a) {
    const R ones_ = ones();
    if constexpr (W == 8) return _mm512_maskz_mov_epi8(_mm512_testn_epi8_mask(a, a), ones_);
    else if constexpr (W == 16) return _mm512_maskz_mov_epi16(_mm512_testn_epi16_mask(a, a), ones_);
    else if constexpr (W == 32) return _mm512_maskz_mov_epi32(_mm512_testn_epi32_mask(a, a), ones_);
    else return _mm512_maskz_mov_epi64(_mm512_testn_epi64_mask(a, a), ones_);
  }
};

}  // namespace jaro_avx512

void lanes_jaro_avx512(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                       LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  jaro_avx512::lanes_jaro<jaro_avx512::Ops>(v, cls, b0, b1, t, n, steps, matches, trans);
}

}  // namespace detail
}  // namespace strdist

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#endif
