// Persistent pool vs threads started per call, for the corpus search (native/pool.hpp).
//
//   g++ -std=c++17 -O2 -pthread -ffp-contract=off native/bench/pool_bench.cc -o /tmp/pool_bench
//   /tmp/pool_bench [/usr/share/dict/american-english-insane] [rounds]
//
// Single queries (what closestSync and small closest calls run) and a 256-query batch, on 2
// and 4 threads, each mode timed in interleaved rounds (best round kept): "shared pool" is what
// the addon does; "pool per call" builds a ThreadPool for every query, so its helpers are started
// and joined each time, which is what spawning std::threads per call costs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "../corpus.hpp"
#include "../text.hpp"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "/usr/share/dict/american-english-insane";
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::ifstream file(path);
  std::vector<std::vector<uint32_t>> words;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    // UTF-8 to code points (the word lists are valid UTF-8)
    std::vector<uint32_t> w;
    for (size_t i = 0; i < line.size();) {
      const unsigned char c = line[i];
      const int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
      uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
      for (int k = 1; k <= extra && i + k < line.size(); ++k) cp = (cp << 6) | (line[i + k] & 0x3F);
      w.push_back(cp);
      i += 1 + extra;
    }
    words.push_back(std::move(w));
  }
  std::vector<uint32_t> points, lengths;
  for (const auto& w : words) {
    points.insert(points.end(), w.begin(), w.end());
    lengths.push_back(static_cast<uint32_t>(w.size()));
  }
  points.push_back(0);
  const strdist::CorpusIndex index(points.data(), lengths.data(), words.size());
  std::vector<std::vector<uint32_t>> queries;
  for (size_t i = 0; i < 256; ++i) queries.push_back(words[(i * 2654435761u) % words.size()]);
  std::printf("%zu words from %s, %zu queries, best of %d rounds\n", words.size(), path, queries.size(), rounds);

  for (strdist::Metric metric : {strdist::Metric::Jaro, strdist::Metric::Levenshtein}) {
    for (unsigned threads : {2u, 4u}) {
      strdist::SearchOptions o;
      o.metric = metric;
      o.threads = threads;
      double best[3] = {1e300, 1e300, 1e300};
      uint64_t check[3] = {0, 0, 0};
      for (int r = 0; r < rounds; ++r) {
        for (int mode = 0; mode < 3; ++mode) {
          const auto t0 = Clock::now();
          uint64_t sum = 0;
          if (mode < 2) {
            for (const auto& q : queries) {
              strdist::SearchOptions one = o;
              std::unique_ptr<strdist::ThreadPool> own;
              if (mode == 1) one.pool = (own = std::make_unique<strdist::ThreadPool>()).get();
              for (const auto& m : index.search(q.data(), q.size(), one)) sum += m.index;
            }
          } else {
            for (const auto& r : index.search_many(queries, o))
              for (const auto& m : r) sum += m.index;
          }
          const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / queries.size();
          best[mode] = std::min(best[mode], us);
          check[mode] = sum;
        }
      }
      if (check[0] != check[1] || check[0] != check[2]) std::printf("RESULTS DIFFER\n");
      std::printf("%-11s %u threads: single queries, shared pool %8.1f us/query, pool per call %8.1f us/query (%.2fx); "
                  "batch of 256 %8.1f us/query\n",
                  metric == strdist::Metric::Jaro ? "jaro" : "levenshtein", threads, best[0], best[1],
                  best[1] / best[0], best[2]);
    }
  }
  return 0;
}
