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

struct Ops {
  using R = __m256i;
  static constexpr int kRegs = 2;
  static constexpr int kBytes = 32;
  static R load(const uint8_t* p) { return _mm256_load_si256(reinterpret_cast<const R*>(p)); }
  static void store(uint8_t* p, R v) { _mm256_store_si256(reinterpret_cast<R*>(p), v); }
  static R zero() { return _mm256_setzero_si256(); }
  static R and_(R a, R b) { return _mm256_and_si256(a, b); }
  static R or_(R a, R b) { return _mm256_or_si256(a, b); }
  static R xor_(R a, R b) { return _mm256_xor_si256(a, b); }
  static R andnot(R a, R b) { return _mm256_andnot_si256(a, b); }  // ~a & b
  template <unsigned W>
  static R add(R a, R b) {
    if constexpr (W == 8) return _mm256_add_epi8(a, b);
    else if constexpr (W == 16) return _mm256_add_epi16(a, b);
    else if constexpr (W == 32) return _mm256_add_epi32(a, b);
    else return _mm256_add_epi64(a, b);
  }
  template <unsigned W>
  static R sub(R a, R b) {
    if constexpr (W == 8) return _mm256_sub_epi8(a, b);
    else if constexpr (W == 16) return _mm256_sub_epi16(a, b);
    else if constexpr (W == 32) return _mm256_sub_epi32(a, b);
    else return _mm256_sub_epi64(a, b);
  }
  // Every lane = x (x < 2^(W-1) where used as a signed value).
  template <unsigned W>
  static R set1(size_t x) {
    if constexpr (W == 8) return _mm256_set1_epi8(static_cast<char>(x & 0x7f));
    else if constexpr (W == 16) return _mm256_set1_epi16(static_cast<short>(x & 0x7fff));
    else if constexpr (W == 32) return _mm256_set1_epi32(static_cast<int>(x & 0x7fffffff));
    else return _mm256_set1_epi64x(static_cast<long long>(x & 0x7fffffffffffffffull));
  }
  template <unsigned W>
  static R one() { return set1<W>(1); }
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
