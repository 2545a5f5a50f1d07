// Standalone differential test of the corpus search (native/corpus.hpp): on random corpora
// (repeated letters, empty words, long words, astral code points), every metric, n, cutoff and
// thread count must give exactly the brute-force answer. Built by run.sh, also under ASan/UBSan.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "../corpus.hpp"

namespace {

using strdist::Match;
using strdist::Metric;
using Word = std::vector<uint32_t>;

double score(Metric m, const Word& q, const Word& w, double pw) {
  switch (m) {
    case Metric::Levenshtein: return static_cast<double>(strdist::levenshtein(q.data(), q.size(), w.data(), w.size()));
    case Metric::LevenshteinSimilarity: return strdist::levenshtein_similarity(q.data(), q.size(), w.data(), w.size());
    case Metric::Jaro: return strdist::jaro(q.data(), q.size(), w.data(), w.size());
    case Metric::JaroWinkler: return strdist::jaro_winkler(q.data(), q.size(), w.data(), w.size(), pw);
  }
  return 0;
}

std::vector<Match> brute(const std::vector<Word>& words, const Word& q, const strdist::SearchOptions& o) {
  const bool lower = o.metric == Metric::Levenshtein;
  std::vector<Match> all;
  for (size_t i = 0; i < words.size(); ++i) {
    const double s = score(o.metric, q, words[i], o.prefix_weight);
    if (lower ? (o.max_distance != SIZE_MAX && s > static_cast<double>(o.max_distance)) : s < o.min_score) continue;
    all.push_back({s, static_cast<uint32_t>(i)});
  }
  std::sort(all.begin(), all.end(), [&](const Match& a, const Match& b) {
    if (a.score != b.score) return lower ? a.score < b.score : a.score > b.score;
    return a.index < b.index;
  });
  if (all.size() > o.n) all.resize(o.n);
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20261125);
  auto pick = [&](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  const uint32_t alphabets[][2] = {{'a', 'c'}, {'a', 'z'}, {0xe0, 0x2ff}, {0x1f600, 0x1f60f}, {0xd800, 0xd805}};
  long passed = 0, failed = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto& al = alphabets[pick(5)];
    auto word = [&](size_t maxlen) {
      Word w(pick(maxlen + 1));
      for (auto& c : w) c = al[0] + pick(al[1] - al[0] + 1);
      return w;
    };
    std::vector<Word> words(pick(r % 10 == 0 ? 6000 : 300));
    for (auto& w : words) w = word(pick(10) == 0 ? 90 : 12);
    std::vector<uint32_t> points, lengths;
    for (const auto& w : words) {
      points.insert(points.end(), w.begin(), w.end());
      lengths.push_back(static_cast<uint32_t>(w.size()));
    }
    points.push_back(0);
    strdist::CorpusIndex index(points.data(), lengths.data(), words.size());
    for (int k = 0; k < 4; ++k) {
      const Word q = pick(3) == 0 && !words.empty() ? words[pick(words.size())] : word(14);
      strdist::SearchOptions o;
      o.metric = static_cast<Metric>(pick(4));
      o.n = 1 + pick(20);
      o.prefix_weight = pick(2) ? 0.1 : 0.25;
      if (pick(3) == 0) o.min_score = (pick(100)) / 100.0;
      if (pick(3) == 0) o.max_distance = pick(6);
      const std::vector<Match> want = brute(words, q, o);
      for (unsigned threads : {1u, 2u, 3u}) {
        o.threads = threads;
        const std::vector<Match> got = index.search(q.data(), q.size(), o);
        bool same = got.size() == want.size();
        for (size_t i = 0; same && i < got.size(); ++i) same = got[i].score == want[i].score && got[i].index == want[i].index;
        if (same) {
          ++passed;
        } else if (++failed <= 5) {
          std::fprintf(stderr, "corpus: mismatch: metric %d n %zu threads %u words %zu (got %zu, want %zu)\n",
                       static_cast<int>(o.metric), o.n, threads, words.size(), got.size(), want.size());
        }
      }
    }
  }
  std::printf("corpus: %ld passed, %ld failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
