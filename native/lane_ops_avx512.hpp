// The AVX-512BW register operations the lane kernels share (multi_levenshtein_avx512.cc,
// multi_jaro_avx512.cc). No namespace and no include guard on purpose: each of those files
// includes it inside its own namespace, after switching its functions to AVX-512, and derives
// its kernel's Ops from it, so no inline function is shared between translation units.
struct LaneOps {
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
};
