// Standalone differential test of the fuzzy joins (native/join.hpp): on random corpora (small
// alphabets full of ties, empty and long words, astral code points, duplicates), every metric
// and threshold, 1 to 3 threads and a pool that could start no thread, join() must equal the
// brute-force answer in closest order, and self_join() over any split into slot ranges must
// give every pair i < j within the threshold exactly once. Built by run.sh, also under ASan/UBSan.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "../join.hpp"
#include "reference.hpp"

namespace {
using strdist::JoinPair;
using strdist::Match;
using strdist::Metric;
using Word = std::vector<uint32_t>;
}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
  std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20261201);
  auto pick = [&](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  const uint32_t alphabets[][2] = {{'a', 'c'}, {'a', 'z'}, {0xe0, 0x2ff}, {0x1f600, 0x1f603}};
  const double scores[] = {0.0, 0.5, 2.0 / 3.0, 0.75, 0.8, 0.9, 1.0};
  long passed = 0, failed = 0;
  strdist::ThreadPool no_threads(0);
  for (int r = 0; r < rounds; ++r) {
    const auto& al = alphabets[pick(4)];
    auto word = [&](size_t maxlen) {
      Word w(pick(maxlen + 1));
      for (auto& c : w) c = al[0] + pick(al[1] - al[0] + 1);
      return w;
    };
    std::vector<Word> words(pick(r % 20 == 0 ? 1500 : 120));
    for (size_t i = 0; i < words.size(); ++i) words[i] = i > 0 && pick(8) == 0 ? words[pick(i)] : word(pick(15) == 0 ? 80 : 9);
    std::vector<uint32_t> points, lengths;
    for (const auto& w : words) {
      points.insert(points.end(), w.begin(), w.end());
      lengths.push_back(static_cast<uint32_t>(w.size()));
    }
    points.push_back(0);
    strdist::CorpusIndex index(points.data(), lengths.data(), words.size());
    const strdist::CorpusJoin join(index);
    strdist::JoinOptions o;
    o.metric = static_cast<Metric>(pick(4));
    o.prefix_weight = pick(2) ? 0.1 : 0.25;
    if (o.metric == Metric::Levenshtein) o.max_distance = pick(4);
    else o.min_score = scores[pick(7)];
    strdist::SearchOptions so;
    so.metric = o.metric;
    so.prefix_weight = o.prefix_weight;
    so.min_score = o.min_score;
    so.max_distance = o.max_distance;
    so.n = SIZE_MAX;
    std::vector<Word> queries(1 + pick(6));
    for (auto& q : queries) q = pick(3) == 0 && !words.empty() ? words[pick(words.size())] : word(10);
    // brute-force self-join: every i < j
    std::vector<JoinPair> want_pairs;
    for (size_t i = 0; i < words.size(); ++i) {
      for (size_t j = i + 1; j < words.size(); ++j) {
        const double s = strdist_test::naive_score(o.metric, words[i], words[j], o.prefix_weight);
        const bool pass = o.metric == Metric::Levenshtein ? s <= static_cast<double>(o.max_distance) : s >= o.min_score;
        if (pass) want_pairs.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), s});
      }
    }
    for (unsigned threads : {1u, 2u, 3u, 4u}) {
      o.threads = threads == 4 ? 3 : threads;
      o.pool = threads == 4 ? &no_threads : nullptr;
      const auto got = join.join(queries, o);
      bool same = got.size() == queries.size();
      for (size_t k = 0; same && k < queries.size(); ++k) {
        const std::vector<Match> want = strdist_test::brute(words, queries[k], so);
        same = got[k].size() == want.size();
        for (size_t i = 0; same && i < want.size(); ++i) same = got[k][i].score == want[i].score && got[k][i].index == want[i].index;
      }
      // the self-join over random slot ranges, concatenated and sorted, equals brute force
      std::vector<JoinPair> pairs;
      for (size_t from = 0; from < join.slots();) {
        const size_t to = std::min(join.slots(), from + 1 + pick(40));
        const auto part = join.self_join(from, to, o);
        same = same && std::is_sorted(part.begin(), part.end());
        pairs.insert(pairs.end(), part.begin(), part.end());
        from = to;
      }
      std::sort(pairs.begin(), pairs.end());
      same = same && pairs.size() == want_pairs.size();
      for (size_t i = 0; same && i < pairs.size(); ++i) {
        same = pairs[i].left == want_pairs[i].left && pairs[i].right == want_pairs[i].right && pairs[i].score == want_pairs[i].score;
      }
      if (same) {
        ++passed;
      } else if (++failed <= 5) {
        std::fprintf(stderr, "join: mismatch: metric %d threads %u words %zu pairs %zu want %zu\n", static_cast<int>(o.metric), threads,
                     words.size(), pairs.size(), want_pairs.size());
      }
    }
  }
  std::printf("join: %ld passed, %ld failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
