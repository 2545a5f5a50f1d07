// libFuzzer target: Jaro and Jaro-Winkler (pairwise and cached, with cutoffs and prefix
// weights) against the jellyfish-style naive Jaro, bit for bit.
#include "../jaro.hpp"
#include "../test/reference.hpp"
#include "input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strdist_fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  const strdist_fuzz::Seq a = in.seq(flags & 1 ? 300 : 70), b = in.seq(flags & 2 ? 300 : 70);
  const double cutoff = in.byte() / 255.0;
  const double weight = (in.byte() % 26) / 100.0;  // 0 .. 0.25

  const double j = strdist_test::naive_jaro(a, b);
  FUZZ_REQUIRE(strdist::jaro(a.data(), a.size(), b.data(), b.size()) == j);
  FUZZ_REQUIRE(strdist::jaro(b.data(), b.size(), a.data(), a.size()) == j);
  FUZZ_REQUIRE(strdist::jaro(a.data(), a.size(), b.data(), b.size(), cutoff) == (j >= cutoff ? j : 0.0));
  const strdist::CachedJaro cached(a.data(), a.size());
  FUZZ_REQUIRE(cached.similarity(b.data(), b.size()) == j);
  FUZZ_REQUIRE(cached.similarity(b.data(), b.size(), cutoff) == (j >= cutoff ? j : 0.0));

  const double jw = strdist_test::naive_jaro_winkler(a, b, weight);
  FUZZ_REQUIRE(strdist::jaro_winkler(a.data(), a.size(), b.data(), b.size(), weight) == jw);
  FUZZ_REQUIRE(strdist::jaro_winkler(a.data(), a.size(), b.data(), b.size(), weight, cutoff) == (jw >= cutoff ? jw : 0.0));
  const strdist::CachedJaroWinkler cached_jw(a.data(), a.size(), weight);
  FUZZ_REQUIRE(cached_jw.similarity(b.data(), b.size()) == jw);
  FUZZ_REQUIRE(cached_jw.similarity(b.data(), b.size(), cutoff) == (jw >= cutoff ? jw : 0.0));
  return 0;
}
