// strdist — Hamming distance over code points: the positions at which two strings of equal
// length differ. With pad, strings of different lengths are compared over the shorter length
// and every extra code point of the longer counts as a mismatch (RapidFuzz's pad=True).
// The caller refuses unequal lengths without pad.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strdist {

inline size_t hamming(const uint32_t* a, size_t la, const uint32_t* b, size_t lb, size_t max = SIZE_MAX) {
  const size_t n = la < lb ? la : lb;
  size_t d = la > lb ? la - lb : lb - la;
  for (size_t i = 0; i < n; ++i) d += a[i] != b[i];
  return d <= max ? d : max + 1;
}

}  // namespace strdist
