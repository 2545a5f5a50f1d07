// strdist — portable bit intrinsics and CPU feature detection.
//
// Every use of a compiler builtin lives here, each behind an #if with a plain C++ or MSVC
// fallback, so no other header depends on GCC or Clang.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(_MSC_VER)
#include <intrin.h>
#endif
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define STRDIST_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define STRDIST_ALWAYS_INLINE __forceinline
#else
#define STRDIST_ALWAYS_INLINE inline
#endif

namespace strdist {
namespace detail {

// Index of the lowest set bit; x != 0.
STRDIST_ALWAYS_INLINE unsigned ctz64(uint64_t x) {
#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_ARM64))
  unsigned long i;
  _BitScanForward64(&i, x);
  return static_cast<unsigned>(i);
#elif defined(_MSC_VER) && !defined(__clang__)
  // 32-bit targets (_M_IX86) have no _BitScanForward64: scan the low half, then the high.
  unsigned long i;
  if (_BitScanForward(&i, static_cast<unsigned long>(x))) return static_cast<unsigned>(i);
  _BitScanForward(&i, static_cast<unsigned long>(x >> 32));
  return static_cast<unsigned>(i) + 32;
#else
  return static_cast<unsigned>(__builtin_ctzll(x));
#endif
}

// Always inlined: inside a function compiled for the popcnt instruction (filter.hpp) the
// builtin must expand there, not in an out-of-line copy built for baseline x86-64.
STRDIST_ALWAYS_INLINE unsigned popcount64(uint64_t x) {
#if defined(_MSC_VER) && !defined(__clang__)
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
#else
  return static_cast<unsigned>(__builtin_popcountll(x));
#endif
}

// A hint to bring the cache line holding p closer (for reading); no effect on results.
STRDIST_ALWAYS_INLINE void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
  _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0);
#else
  static_cast<void>(p);
#endif
}

}  // namespace detail

// What the CPU running this process can do (for capability reports and kernel choice).
struct CpuFeatures {
  bool popcnt = false, sse42 = false, avx2 = false, bmi2 = false, avx512f = false, avx512bw = false;
  bool neon = false;
};

namespace detail {

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define STRDIST_X86 1
// regs = eax, ebx, ecx, edx of CPUID(leaf, sub).
inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4]) {
#if defined(_MSC_VER) && !defined(__clang__)
  int r[4];
  __cpuidex(r, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; ++i) regs[i] = static_cast<uint32_t>(r[i]);
#else
  __cpuid_count(leaf, sub, regs[0], regs[1], regs[2], regs[3]);
#endif
}
// The state components the OS saves on a context switch (XCR0); only valid with OSXSAVE.
inline uint64_t xcr0() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
#endif
}
#endif

inline CpuFeatures detect_cpu_features() {
  CpuFeatures f;
#if defined(STRDIST_X86)
  uint32_t r[4];
  cpuid(0, 0, r);
  const uint32_t max_leaf = r[0];
  if (max_leaf < 1) return f;
  cpuid(1, 0, r);
  f.sse42 = (r[2] >> 20) & 1;
  f.popcnt = (r[2] >> 23) & 1;
  const bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
  const uint64_t xcr = osxsave ? xcr0() : 0;
  const bool os_ymm = avx && (xcr & 0x6) == 0x6;       // SSE and AVX state
  const bool os_zmm = os_ymm && (xcr & 0xE0) == 0xE0;  // and the AVX-512 state
  if (max_leaf >= 7) {
    cpuid(7, 0, r);
    f.avx2 = os_ymm && ((r[1] >> 5) & 1);
    f.bmi2 = (r[1] >> 8) & 1;
    f.avx512f = os_zmm && ((r[1] >> 16) & 1);
    f.avx512bw = os_zmm && ((r[1] >> 30) & 1);
  }
#elif defined(__aarch64__) || defined(_M_ARM64)
  f.neon = true;  // part of the AArch64 base architecture
#endif
  return f;
}

}  // namespace detail

// Detected once per process.
inline const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detail::detect_cpu_features();
  return features;
}

}  // namespace strdist
