// The AVX2 register operations the lane kernels share (multi_levenshtein_avx2.cc,
// multi_jaro_avx2.cc). No namespace and no include guard on purpose: each of those files
// includes it inside its own namespace, after switching its functions to AVX2, and derives its
// kernel's Ops from it, so no inline function is shared between translation units.
struct LaneOps {
  using R = __m256i;
  static constexpr int kRegs = 2;
  static constexpr int kBytes = 32;
  static R load(const uint8_t* p) { return _mm256_load_si256(reinterpret_cast<const R*>(p)); }
  static void store(uint8_t* p, R v) { _mm256_store_si256(reinterpret_cast<R*>(p), v); }
  static R zero() { return _mm256_setzero_si256(); }
  static R ones() { return _mm256_set1_epi8(-1); }
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
};
