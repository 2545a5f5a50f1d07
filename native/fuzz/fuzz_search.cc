// libFuzzer target: the corpus top-n search (every metric, n up to SIZE_MAX, cutoffs, 1 to 4
// threads, a pool that can start no thread) against scoring every word with the naive
// references and sorting. Queries run up to 40 code points, so a word can miss more query
// signature bits than the search's 4-bit counter holds.
#include <vector>

#include "../corpus.hpp"
#include "../test/reference.hpp"
#include "input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static strdist::ThreadPool no_threads(0);
  strdist_fuzz::Input in(data, size);
  strdist::SearchOptions o;
  o.metric = static_cast<strdist::Metric>(in.byte() % 4);
  const uint8_t n = in.byte();
  o.n = n == 255 ? SIZE_MAX : n % 24;
  o.prefix_weight = (in.byte() % 26) / 100.0;
  const uint8_t cut = in.byte();
  if (cut & 1) o.min_score = (cut >> 1) / 127.0;
  if (cut & 2) o.max_distance = cut >> 4;
  const uint8_t threads = in.byte();
  o.threads = 1 + threads % 4;
  if (threads & 0x80) o.pool = &no_threads;

  const strdist_fuzz::Seq query = in.seq(40);
  std::vector<strdist_fuzz::Seq> words;
  std::vector<uint32_t> points, lengths;
  while (!in.empty() && words.size() < 5000) {
    words.push_back(in.seq(24));
    points.insert(points.end(), words.back().begin(), words.back().end());
    lengths.push_back(static_cast<uint32_t>(words.back().size()));
  }
  points.push_back(0);
  const strdist::CorpusIndex index(points.data(), lengths.data(), words.size());

  const std::vector<strdist::Match> want = strdist_test::brute(words, query, o);
  const std::vector<strdist::Match> got = index.search(query.data(), query.size(), o);
  FUZZ_REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    FUZZ_REQUIRE(got[i].score == want[i].score);
    FUZZ_REQUIRE(got[i].index == want[i].index);
  }
  return 0;
}
