// libFuzzer target (issue 12): LCS / Indel, OSA, Damerau-Levenshtein, Hamming and weighted
// Levenshtein, pairwise and cached, with and without a cutoff, against full dynamic programming.
// Lengths reach a few hundred code points, so the one-word and multi-word kernels all run.
#include <algorithm>

#include "../damerau.hpp"
#include "../hamming.hpp"
#include "../lcs.hpp"
#include "../osa.hpp"
#include "../test/reference_extra.hpp"
#include "../weighted.hpp"
#include "input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strdist_fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  const strdist_fuzz::Seq a = in.seq(flags & 1 ? 200 : 70), b = in.seq(flags & 2 ? 200 : 70);
  const size_t max = in.byte();
  const uint64_t ins = in.byte() % 5, del = in.byte() % 5, sub = in.byte() % 11;
  auto cut = [&](uint64_t d) { return d <= max ? d : uint64_t(max) + 1; };
  using namespace strdist_test_extra;

  const size_t lcs = ref_lcs(a, b);
  const size_t indel = a.size() + b.size() - 2 * lcs;
  FUZZ_REQUIRE(strdist::longest_common_subsequence(a.data(), a.size(), b.data(), b.size()) == lcs);
  FUZZ_REQUIRE(strdist::indel(a.data(), a.size(), b.data(), b.size(), max) == cut(indel));
  const strdist::CachedLcs cached_lcs(a.data(), a.size());
  FUZZ_REQUIRE(cached_lcs.lcs(b.data(), b.size()) == lcs);
  FUZZ_REQUIRE(cached_lcs.indel(b.data(), b.size(), max) == cut(indel));

  const size_t osa = ref_osa(a, b);
  FUZZ_REQUIRE(strdist::osa(a.data(), a.size(), b.data(), b.size()) == osa);
  FUZZ_REQUIRE(strdist::osa(b.data(), b.size(), a.data(), a.size(), max) == cut(osa));
  const strdist::CachedOsa cached_osa(a.data(), a.size());
  FUZZ_REQUIRE(cached_osa.distance(b.data(), b.size(), max) == cut(osa));

  const size_t dl = ref_damerau(a, b);
  FUZZ_REQUIRE(strdist::damerau_levenshtein(a.data(), a.size(), b.data(), b.size()) == dl);
  FUZZ_REQUIRE(strdist::damerau_levenshtein(a.data(), a.size(), b.data(), b.size(), max) == cut(dl));

  size_t ham = std::max(a.size(), b.size()) - std::min(a.size(), b.size());
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) ham += a[i] != b[i];
  FUZZ_REQUIRE(strdist::hamming(a.data(), a.size(), b.data(), b.size(), max) == cut(ham));

  const uint64_t w = ref_weighted(a, b, ins, del, sub);
  FUZZ_REQUIRE(strdist::weighted_levenshtein(a.data(), a.size(), b.data(), b.size(), ins, del, sub) == w);
  FUZZ_REQUIRE(strdist::weighted_levenshtein(a.data(), a.size(), b.data(), b.size(), ins, del, sub, max) == cut(w));
  return 0;
}
