// libFuzzer target: Levenshtein (pairwise, cached, with and without a cutoff, similarity)
// against the full dynamic-programming matrix. Lengths reach a few hundred code points, so the
// one-word, two-word and multi-word kernels all run.
#include <algorithm>

#include "../levenshtein.hpp"
#include "../test/reference.hpp"
#include "input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strdist_fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  const strdist_fuzz::Seq a = in.seq(flags & 1 ? 300 : 70), b = in.seq(flags & 2 ? 300 : 70);
  const size_t max = in.byte();  // a cutoff, 0 .. 255
  const size_t d = strdist_test::naive_levenshtein(a, b);
  const size_t capped = d <= max ? d : max + 1;

  FUZZ_REQUIRE(strdist::levenshtein(a.data(), a.size(), b.data(), b.size()) == d);
  FUZZ_REQUIRE(strdist::levenshtein(b.data(), b.size(), a.data(), a.size()) == d);
  FUZZ_REQUIRE(strdist::levenshtein(a.data(), a.size(), b.data(), b.size(), max) == capped);
  const strdist::CachedLevenshtein cached(a.data(), a.size());
  FUZZ_REQUIRE(cached.distance(b.data(), b.size()) == d);
  FUZZ_REQUIRE(cached.distance(b.data(), b.size(), max) == capped);

  const double similarity =
      a.empty() && b.empty() ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(std::max(a.size(), b.size()));
  FUZZ_REQUIRE(strdist::levenshtein_similarity(a.data(), a.size(), b.data(), b.size()) == similarity);
  FUZZ_REQUIRE(cached.similarity(b.data(), b.size()) == similarity);
  return 0;
}
