// Turns a libFuzzer input into the kernels' arguments: sequences of code points over a small
// alphabet picked by the input (many repeats: the interesting case for every kernel), numbers
// for the cutoffs, and a check that stops the run with the input when a kernel disagrees with
// its naive reference (native/test/reference.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace strdist_fuzz {

using Seq = std::vector<uint32_t>;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  bool empty() const { return p_ == end_; }
  uint8_t byte() { return p_ == end_ ? 0 : *p_++; }
  uint32_t u16() { return byte() | (uint32_t(byte()) << 8); }

  // A sequence of up to `max` code points from one of a few alphabets: three letters, lower
  // case, Latin-1 and beyond (2-byte packing), emoji (astral, 4-byte packing), lone surrogates.
  Seq seq(size_t max) {
    static const uint32_t alphabets[][2] = {{'a', 'c'}, {'a', 'z'}, {0xe0, 0x2ff}, {0x1f600, 0x1f60f}, {0xd800, 0xd805}};
    const auto& al = alphabets[byte() % 5];
    size_t n = u16() % (max + 1);
    Seq s;
    s.reserve(n);
    while (n-- > 0 && !empty()) s.push_back(al[0] + byte() % (al[1] - al[0] + 1));
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// Ends the run (libFuzzer saves the input) when a result is wrong.
#define FUZZ_REQUIRE(cond)                                                                       \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                            \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)

}  // namespace strdist_fuzz
