// strdist — UTF-16 to code points.
//
// Strings are compared as sequences of Unicode code points: a valid surrogate
// pair is one unit, a lone surrogate is one unit of its own value (0xD800..0xDFFF).
#pragma once

#include <cstddef>
#include <cstdint>

namespace strdist {

namespace detail {

inline bool is_high_surrogate(uint32_t c) { return (c & 0xFC00u) == 0xD800u; }
inline bool is_low_surrogate(uint32_t c) { return (c & 0xFC00u) == 0xDC00u; }

// Slow path: pairs a high surrogate with a following low surrogate; anything
// else is copied as it is.
inline size_t decode_utf16_surrogates(const char16_t* s, size_t n, uint32_t* out) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = s[i];
    if (is_high_surrogate(c) && i + 1 < n && is_low_surrogate(s[i + 1])) {
      uint32_t lo = s[i + 1];
      c = 0x10000u + ((c - 0xD800u) << 10) + (lo - 0xDC00u);
      ++i;
    }
    out[k++] = c;
  }
  return k;
}

}  // namespace detail

// Decodes n UTF-16 units into code points. `out` must have room for n entries.
// Returns the number of code points written (n minus the number of valid pairs).
// Strings without surrogates (the common case) take a branch-free widening copy.
inline size_t decode_utf16(const char16_t* s, size_t n, uint32_t* out) {
  // One pass that widens and notes whether any surrogate was seen; the loop
  // has no data-dependent branch, so compilers vectorise it.
  unsigned seen = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = s[i];
    out[i] = c;
    seen |= static_cast<unsigned>((c & 0xF800u) == 0xD800u);
  }
  if (!seen) return n;
  return detail::decode_utf16_surrogates(s, n, out);
}

}  // namespace strdist
