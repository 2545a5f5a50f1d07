// Fuzzy joins (join.hpp) for JavaScript: argument reads and the async jobs that run them off
// the JavaScript thread, one bounded chunk per call (the caller streams chunk after chunk).
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "addon.hpp"
#include "corpus.hpp"
#include "join.hpp"

namespace strdist_addon {
namespace {

using strdist::CorpusIndex;
using strdist::CorpusJoin;
using strdist::JoinOptions;
using strdist::JoinPair;
using strdist::Match;
using strdist::Metric;
using strdist::SearchStats;

using Corpus = std::shared_ptr<const CorpusIndex>;  // as in search_worker.cc: jobs share the index

Corpus CorpusHandle(const Args& a, size_t i) {
  return *HandleArg<Corpus>(a, i, kCorpusTag, "handle", "a corpus handle (from corpusCreate)");
}

Token TokenOrFresh(const Args& a, size_t i) {
  if (IsUndefined(a.env, a[i])) return std::make_shared<std::atomic<bool>>(false);
  return *HandleArg<Token>(a, i, kTokenTag, "token", "a cancel token (from cancelToken) or undefined");
}

// (metric, prefixWeight, minScore, maxDistance, threads) from argument `at` on.
JoinOptions ReadJoinOptions(const Args& a, size_t at) {
  JoinOptions o;
  o.metric = static_cast<Metric>(MetricArg(a, at));
  o.prefix_weight = WeightArg(a, at + 1, "prefixWeight");
  o.min_score = SimilarityArg(a, at + 2, "minScore");
  o.max_distance = SizeArg(a, at + 3, "maxDistance", Negative::MeansNone, SIZE_MAX);
  o.threads = ThreadsArg(a, at + 4);
  return o;
}

napi_value Stats(napi_env env, napi_value o, const SearchStats& s) {
  SetNamed(env, o, "visited", Double(env, static_cast<double>(s.visited)));
  SetNamed(env, o, "scored", Double(env, static_cast<double>(s.scored)));
  return o;
}

class JoinJob : public AsyncJob {
 public:
  JoinJob(Corpus index, std::vector<std::vector<uint32_t>> queries, JoinOptions options, Token token)
      : AsyncJob(std::move(token)), index_(std::move(index)), queries_(std::move(queries)), options_(options) {
    options_.cancel = token_.get();
  }

 protected:
  void Run() override {
    const auto results = CorpusJoin(*index_).join(queries_, options_, &stats_);
    size_t total = 0;
    for (const auto& m : results) total += m.size();
    counts_.reserve(results.size());
    scores_.reserve(total);
    indices_.reserve(total);
    for (const auto& matches : results) {
      counts_.push_back(static_cast<uint32_t>(matches.size()));
      for (const Match& m : matches) {
        scores_.push_back(m.score);
        indices_.push_back(m.index);
      }
    }
  }
  napi_value Result(napi_env env) override {
    napi_value o;
    Check(napi_create_object(env, &o));
    SetNamed(env, o, "counts", TypedArrayOf(env, std::move(counts_), napi_uint32_array));
    SetNamed(env, o, "scores", TypedArrayOf(env, std::move(scores_), napi_float64_array));
    SetNamed(env, o, "indices", TypedArrayOf(env, std::move(indices_), napi_uint32_array));
    return Stats(env, o, stats_);
  }

 private:
  Corpus index_;
  std::vector<std::vector<uint32_t>> queries_;
  JoinOptions options_;
  SearchStats stats_;
  std::vector<uint32_t> counts_, indices_;
  std::vector<double> scores_;
};

// corpusJoin(handle, queriesJoined, queryLengths, metric, prefixWeight, minScore, maxDistance,
//            threads, token?) -> Promise<{ counts, scores, indices, visited, scored }>
napi_value CorpusJoinExport(const Args& a) {
  Corpus index = CorpusHandle(a, 0);
  auto queries = SplitCodePoints(a, 1, 2, "queries");
  const JoinOptions options = ReadJoinOptions(a, 3);
  Token token = TokenOrFresh(a, 8);
  return AsyncJob::Start(a.env, std::make_unique<JoinJob>(std::move(index), std::move(queries), options, std::move(token)),
                         "strdist:join");
}

class SelfJoinJob : public AsyncJob {
 public:
  SelfJoinJob(Corpus index, size_t from, size_t to, JoinOptions options, Token token)
      : AsyncJob(std::move(token)), index_(std::move(index)), from_(from), to_(to), options_(options) {
    options_.cancel = token_.get();
  }

 protected:
  void Run() override {
    std::vector<JoinPair> pairs = CorpusJoin(*index_).self_join(from_, to_, options_, &stats_);
    if (pairs.size() > kMaxResultLength) {
      throw Failure(Kind::Range, code::kTooLarge, "corpusSelfJoin: more than 2^32 - 1 pairs in one chunk; ask for fewer slots");
    }
    left_.resize(pairs.size());
    right_.resize(pairs.size());
    scores_.resize(pairs.size());
    for (size_t i = 0; i < pairs.size(); ++i) {
      left_[i] = pairs[i].left;
      right_[i] = pairs[i].right;
      scores_[i] = pairs[i].score;
    }
  }
  napi_value Result(napi_env env) override {
    napi_value o;
    Check(napi_create_object(env, &o));
    SetNamed(env, o, "left", TypedArrayOf(env, std::move(left_), napi_uint32_array));
    SetNamed(env, o, "right", TypedArrayOf(env, std::move(right_), napi_uint32_array));
    SetNamed(env, o, "scores", TypedArrayOf(env, std::move(scores_), napi_float64_array));
    return Stats(env, o, stats_);
  }

 private:
  Corpus index_;
  size_t from_, to_;
  JoinOptions options_;
  SearchStats stats_;
  std::vector<uint32_t> left_, right_;
  std::vector<double> scores_;
};

// corpusSelfJoin(handle, fromSlot, toSlot, metric, prefixWeight, minScore, maxDistance, threads,
//                token?) -> Promise<{ left, right, scores, visited, scored }>: the pairs whose
// shorter word sits in slots [fromSlot, toSlot) of the index order, as corpus indices, sorted.
napi_value CorpusSelfJoinExport(const Args& a) {
  Corpus index = CorpusHandle(a, 0);
  const size_t from = SizeArg(a, 1, "fromSlot", Negative::Refused, 0);
  const size_t to = SizeArg(a, 2, "toSlot", Negative::Refused, SIZE_MAX);
  const JoinOptions options = ReadJoinOptions(a, 3);
  Token token = TokenOrFresh(a, 8);
  return AsyncJob::Start(a.env, std::make_unique<SelfJoinJob>(std::move(index), from, to, options, std::move(token)),
                         "strdist:selfjoin");
}

}  // namespace

void InitJoin(napi_env env, napi_value exports) {
  SetFunction(env, exports, "corpusJoin", Export<CorpusJoinExport>);
  SetFunction(env, exports, "corpusSelfJoin", Export<CorpusSelfJoinExport>);
}

}  // namespace strdist_addon
