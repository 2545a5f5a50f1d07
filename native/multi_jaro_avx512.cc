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

struct Ops {
  using R = __m512i;
  static constexpr int kRegs = 1;
  static constexpr int kBytes = 64;
  static R load(const uint8_t* p) { return _mm512_load_si512(reinterpret_cast<const void*>(p)); }
  static void store(uint8_t* p, R v) { _mm512_store_si512(reinterpret_cast<void*>(p), v); }
  static R zero() { return _mm512_setzero_si512(); }
  static R ones() { return _mm512_set1_epi8(-1); }
  static R and_(R a, R b) { return _mm512_and_si512(a, b); }
  static R or_(R a, R b) { return _mm512_or_si512(a, b); }
  static R xor_(R a, R b) { return _mm512_xor_si512(a, b); }
  // ~a & b (ternary-logic table 0x0C: set where A = 0 and B = 1); GCC 12 warns on
  // _mm512_andnot_si512 (its internal undefined operand) under -Werror.
  static R andnot(R a, R b) { return _mm512_ternarylogic_epi64(a, b, b, 0x0C); }
  template <unsigned W>
  static R add(R a, R b) {
    if constexpr (W == 8) return _mm512_add_epi8(a, b);
    else if constexpr (W == 16) return _mm512_add_epi16(a, b);
    else if constexpr (W == 32) return _mm512_add_epi32(a, b);
    else return _mm512_add_epi64(a, b);
  }
  template <unsigned W>
  static R sub(R a, R b) {
    if constexpr (W == 8) return _mm512_sub_epi8(a, b);
    else if constexpr (W == 16) return _mm512_sub_epi16(a, b);
    else if constexpr (W == 32) return _mm512_sub_epi32(a, b);
    else return _mm512_sub_epi64(a, b);
  }
  // Every lane = x (x < 2^(W-1) where used as a signed value).
  template <unsigned W>
  static R set1(size_t x) {
    if constexpr (W == 8) return _mm512_set1_epi8(static_cast<char>(x & 0x7f));
    else if constexpr (W == 16) return _mm512_set1_epi16(static_cast<short>(x & 0x7fff));
    else if constexpr (W == 32) return _mm512_set1_epi32(static_cast<int>(x & 0x7fffffff));
    else return _mm512_set1_epi64(static_cast<long long>(x & 0x7fffffffffffffffull));
  }
  template <unsigned W>
  static R one() { return set1<W>(1); }
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
