// Corpus search and the many-to-many matrix, run off the JavaScript thread on Napi::AsyncWorker
// (which runs Execute on libuv's pool) and, inside that, on the kernel's own threads.
#include <atomic>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "addon.hpp"
#include "corpus.hpp"

namespace strdist_addon {
namespace {

using strdist::CorpusIndex;
using strdist::Match;
using strdist::Metric;
using strdist::SearchOptions;
using strdist::SearchStats;
using Token = std::shared_ptr<std::atomic<bool>>;

Metric MetricArg(Napi::Env env, Napi::Value v) {
  const int m = v.As<Napi::Number>().Int32Value();
  if (m < 0 || m > 3) throw Napi::RangeError::New(env, "unknown metric id " + std::to_string(m));
  return static_cast<Metric>(m);
}

unsigned ThreadsArg(Napi::Value v) {
  const double t = v.As<Napi::Number>().DoubleValue();
  if (!(t >= 1)) return 1;
  return t > 256 ? 256u : static_cast<unsigned>(t);
}

CorpusIndex* IndexArg(Napi::Env env, Napi::Value v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(env, "not a corpus handle");
  return v.As<Napi::External<CorpusIndex>>().Data();
}

Token TokenArg(Napi::Value v) {
  if (v.IsExternal()) return *v.As<Napi::External<Token>>().Data();
  return std::make_shared<std::atomic<bool>>(false);
}

// corpusCreate(joined, lengths) -> handle
Napi::Value CorpusCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    std::vector<char16_t> units;
    const size_t total = ReadUtf16(env, info[0], units, "words");
    Napi::Uint32Array lengths = info[1].As<Napi::Uint32Array>();
    const size_t count = lengths.ElementLength();
    std::vector<uint32_t> points(total + 1);
    std::vector<uint32_t> cp_lengths(count);
    size_t off = 0, at = 0;
    for (size_t i = 0; i < count; ++i) {
      const size_t len = lengths[i];
      if (off + len > total) throw Napi::RangeError::New(env, "word lengths exceed the joined string");
      const size_t n = strdist::decode_utf16(units.data() + off, len, points.data() + at);
      cp_lengths[i] = static_cast<uint32_t>(n);
      off += len;
      at += n;
    }
    auto* index = new CorpusIndex(points.data(), cp_lengths.data(), count);
    const int64_t bytes = static_cast<int64_t>(index->memory_bytes());
    Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
    return Napi::External<CorpusIndex>::New(env, index, [bytes](Napi::Env e, CorpusIndex* p) {
      Napi::MemoryManagement::AdjustExternalMemory(e, -bytes);
      delete p;
    });
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, "strdist: out of memory building the corpus index");
  }
}

Napi::Value CorpusInfo(const Napi::CallbackInfo& info) {
  CorpusIndex* index = IndexArg(info.Env(), info[0]);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("size", static_cast<double>(index->size()));
  o.Set("width", index->width());
  o.Set("bytes", static_cast<double>(index->memory_bytes()));
  return o;
}

Napi::Value CancelToken(const Napi::CallbackInfo& info) {
  return Napi::External<Token>::New(info.Env(), new Token(std::make_shared<std::atomic<bool>>(false)),
                                    [](Napi::Env, Token* t) { delete t; });
}

Napi::Value Cancel(const Napi::CallbackInfo& info) {
  TokenArg(info[0])->store(true);
  return info.Env().Undefined();
}

struct SearchArgs {
  std::vector<std::vector<uint32_t>> queries;
  SearchOptions options;
};

SearchArgs ReadSearchArgs(const Napi::CallbackInfo& info) {
  // (handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore, maxDistance, threads)
  Napi::Env env = info.Env();
  SearchArgs a;
  a.queries = SplitCodePoints(env, info[1], info[2], "queries");
  a.options.metric = MetricArg(env, info[3]);
  a.options.n = static_cast<size_t>(info[4].As<Napi::Number>().DoubleValue());
  a.options.prefix_weight = info[5].As<Napi::Number>().DoubleValue();
  a.options.min_score = info[6].As<Napi::Number>().DoubleValue();
  const double maxd = info[7].As<Napi::Number>().DoubleValue();
  a.options.max_distance = maxd < 0 ? SIZE_MAX : static_cast<size_t>(maxd);
  a.options.threads = ThreadsArg(info[8]);
  return a;
}

Napi::Object ResultObject(Napi::Env env, const std::vector<std::vector<Match>>& results, const SearchStats& st) {
  size_t total = 0;
  for (const auto& r : results) total += r.size();
  Napi::Uint32Array counts = Napi::Uint32Array::New(env, results.size());
  Napi::Float64Array scores = Napi::Float64Array::New(env, total);
  Napi::Uint32Array indices = Napi::Uint32Array::New(env, total);
  size_t k = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    counts[i] = static_cast<uint32_t>(results[i].size());
    for (const Match& m : results[i]) {
      scores[k] = m.score;
      indices[k] = m.index;
      ++k;
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("counts", counts);
  o.Set("scores", scores);
  o.Set("indices", indices);
  o.Set("visited", static_cast<double>(st.visited));
  o.Set("scored", static_cast<double>(st.scored));
  return o;
}

Napi::Value CorpusSearchSync(const Napi::CallbackInfo& info) {
  CorpusIndex* index = IndexArg(info.Env(), info[0]);
  SearchArgs a = ReadSearchArgs(info);
  SearchStats st;
  auto results = index->search_many(a.queries, a.options, &st);
  return ResultObject(info.Env(), results, st);
}

class SearchWorker : public Napi::AsyncWorker {
 public:
  SearchWorker(Napi::Env env, Napi::Value handle, SearchArgs args, Token token)
      : Napi::AsyncWorker(env, "strdist:search"),
        deferred_(Napi::Promise::Deferred::New(env)),
        handle_(Napi::Reference<Napi::Value>::New(handle, 1)),
        index_(IndexArg(env, handle)),
        args_(std::move(args)),
        token_(std::move(token)) {
    args_.options.cancel = token_.get();
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      results_ = index_->search_many(args_.queries, args_.options, &stats_);
    } catch (const std::bad_alloc&) {
      SetError("out of memory during the search");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (token_->load()) {
      deferred_.Reject(Napi::Error::New(env, "aborted").Value());
      return;
    }
    deferred_.Resolve(ResultObject(env, results_, stats_));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> handle_;  // keeps the corpus alive while the search runs
  const CorpusIndex* index_;
  SearchArgs args_;
  Token token_;
  std::vector<std::vector<Match>> results_;
  SearchStats stats_;
};

// corpusSearch(handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore,
//              maxDistance, threads, token) -> Promise<result>
Napi::Value CorpusSearch(const Napi::CallbackInfo& info) {
  IndexArg(info.Env(), info[0]);
  SearchArgs a = ReadSearchArgs(info);
  auto* worker = new SearchWorker(info.Env(), info[0], std::move(a), TokenArg(info[9]));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class MatrixWorker : public Napi::AsyncWorker {
 public:
  MatrixWorker(Napi::Env env, Metric metric, std::vector<std::vector<uint32_t>> queries,
               std::vector<std::vector<uint32_t>> choices, double param, double cutoff, unsigned threads,
               Token token)
      : Napi::AsyncWorker(env, "strdist:matrix"),
        deferred_(Napi::Promise::Deferred::New(env)),
        metric_(metric),
        queries_(std::move(queries)),
        choices_(std::move(choices)),
        param_(param),
        cutoff_(cutoff),
        threads_(threads),
        token_(std::move(token)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      const size_t nq = queries_.size(), nc = choices_.size();
      out_.assign(nq * nc, 0.0);
      // tasks: (row, block of columns), taken from a shared counter
      const size_t block = std::max<size_t>(256, nc / (threads_ * 4) + 1);
      const size_t per_row = nc == 0 ? 0 : (nc + block - 1) / block;
      const size_t tasks = nq * per_row;
      std::atomic<size_t> next(0);
      auto work = [&]() {
        for (;;) {
          const size_t t = next.fetch_add(1, std::memory_order_relaxed);
          if (t >= tasks || token_->load(std::memory_order_relaxed)) return;
          const size_t row = t / per_row, from = (t % per_row) * block, to = std::min(nc, from + block);
          Row(row, from, to);
        }
      };
      std::vector<std::thread> pool;
      const unsigned n = static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(tasks, 1)));
      for (unsigned i = 1; i < n; ++i) pool.emplace_back(work);
      work();
      for (auto& th : pool) th.join();
    } catch (const std::bad_alloc&) {
      SetError("out of memory for the score matrix");
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (token_->load()) {
      deferred_.Reject(Napi::Error::New(env, "aborted").Value());
      return;
    }
    Napi::Float64Array arr = Napi::Float64Array::New(env, out_.size());
    if (!out_.empty()) std::memcpy(arr.Data(), out_.data(), out_.size() * sizeof(double));
    deferred_.Resolve(arr);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  void Row(size_t row, size_t from, size_t to) {
    const auto& q = queries_[row];
    double* out = out_.data() + row * choices_.size();
    switch (metric_) {
      case Metric::Levenshtein: {
        strdist::CachedLevenshtein s(q.data(), q.size());
        const size_t max = cutoff_ < 0 ? SIZE_MAX : static_cast<size_t>(cutoff_);
        for (size_t c = from; c < to; ++c) out[c] = static_cast<double>(s.distance(choices_[c].data(), choices_[c].size(), max));
        break;
      }
      case Metric::LevenshteinSimilarity: {
        strdist::CachedLevenshtein s(q.data(), q.size());
        for (size_t c = from; c < to; ++c) out[c] = s.similarity(choices_[c].data(), choices_[c].size());
        break;
      }
      case Metric::Jaro: {
        strdist::CachedJaro s(q.data(), q.size());
        const double min = cutoff_ < 0 ? 0.0 : cutoff_;
        for (size_t c = from; c < to; ++c) out[c] = s.similarity(choices_[c].data(), choices_[c].size(), min);
        break;
      }
      case Metric::JaroWinkler: {
        strdist::CachedJaroWinkler s(q.data(), q.size(), param_);
        const double min = cutoff_ < 0 ? 0.0 : cutoff_;
        for (size_t c = from; c < to; ++c) out[c] = s.similarity(choices_[c].data(), choices_[c].size(), min);
        break;
      }
    }
  }

  Napi::Promise::Deferred deferred_;
  Metric metric_;
  std::vector<std::vector<uint32_t>> queries_, choices_;
  double param_, cutoff_;
  unsigned threads_;
  Token token_;
  std::vector<double> out_;
};

// scoreMatrix(metric, queriesJoined, queryLengths, choicesJoined, choiceLengths, param, cutoff,
//             threads, token) -> Promise<Float64Array> (row-major, one row per query)
Napi::Value ScoreMatrix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Metric metric = MetricArg(env, info[0]);
  auto queries = SplitCodePoints(env, info[1], info[2], "queries");
  auto choices = SplitCodePoints(env, info[3], info[4], "choices");
  auto* worker = new MatrixWorker(env, metric, std::move(queries), std::move(choices),
                                  info[5].As<Napi::Number>().DoubleValue(),
                                  info[6].As<Napi::Number>().DoubleValue(), ThreadsArg(info[7]), TokenArg(info[8]));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

}  // namespace

void InitSearch(Napi::Env env, Napi::Object exports) {
  exports.Set("corpusCreate", Napi::Function::New(env, CorpusCreate, "corpusCreate"));
  exports.Set("corpusInfo", Napi::Function::New(env, CorpusInfo, "corpusInfo"));
  exports.Set("corpusSearch", Napi::Function::New(env, CorpusSearch, "corpusSearch"));
  exports.Set("corpusSearchSync", Napi::Function::New(env, CorpusSearchSync, "corpusSearchSync"));
  exports.Set("scoreMatrix", Napi::Function::New(env, ScoreMatrix, "scoreMatrix"));
  exports.Set("cancelToken", Napi::Function::New(env, CancelToken, "cancelToken"));
  exports.Set("cancel", Napi::Function::New(env, Cancel, "cancel"));
}

}  // namespace strdist_addon
