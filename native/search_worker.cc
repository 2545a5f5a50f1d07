// Corpus search and the many-to-many matrix: handles, argument reads, and the async jobs that
// run them off the JavaScript thread (on shared_tasks(), spread over shared_pool(): pool.hpp).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <cstdlib>

#include "addon.hpp"
#include "corpus.hpp"
#include "pool.hpp"
#include "prepared.hpp"

namespace strdist_addon {
namespace {

using strdist::CorpusIndex;
using strdist::Match;
using strdist::Metric;
using strdist::SearchOptions;
using strdist::SearchStats;

// A corpus handle owns a shared reference, and every job copies it: the index lives until the
// last search using it is done, whatever happens to the handle.
using Corpus = std::shared_ptr<const CorpusIndex>;

Corpus CorpusArg(const Args& a, size_t i) {
  return *HandleArg<Corpus>(a, i, kCorpusTag, "handle", "a corpus handle (from corpusCreate)");
}

// The token argument: undefined for none (a fresh flag no one raises), else a token.
Token TokenArg(const Args& a, size_t i) {
  if (IsUndefined(a.env, a[i])) return std::make_shared<std::atomic<bool>>(false);
  return *HandleArg<Token>(a, i, kTokenTag, "token", "a cancel token (from cancelToken) or undefined");
}

// corpusCreate(joined, lengths: Uint32Array) -> handle
napi_value CorpusCreate(const Args& a) {
  // the build's temporaries are scratch (scratch.hpp): gone from memory when it returns
  strdist::ScratchVector<char16_t> units;
  const size_t total = StringArg(a, 0, "words", units);
  const Span<uint32_t> span = TypedArrayArg<uint32_t>(a, 1, "lengths");
  if (span.length > UINT32_MAX) {
    throw Failure(Kind::Range, code::kTooLarge, std::string(a.fn) + ": a corpus holds at most 2^32 - 1 words");
  }
  strdist::ScratchVector<uint32_t> lengths;  // a copy: see CopyLengths
  CopyLengths(a, 1, span, total, "UTF-16 lengths adding up to the joined string's length", lengths);
  const size_t count = lengths.size();
  strdist::ScratchVector<uint32_t> points(total + 1);
  strdist::ScratchVector<uint32_t> cp_lengths(count);
  size_t off = 0, at = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t len = lengths[i];
    const size_t n = strdist::decode_utf16(units.data() + off, len, points.data() + at);
    cp_lengths[i] = static_cast<uint32_t>(n);
    off += len;
    at += n;
  }
  auto index = std::make_unique<Corpus>(std::make_shared<const CorpusIndex>(points.data(), cp_lengths.data(), count));
  const int64_t bytes = static_cast<int64_t>((*index)->memory_bytes());
  napi_value handle = NewHandle(
      a.env, std::move(index), kCorpusTag,
      [](napi_env env, void* data, void* hint) {
        int64_t ignored;
        napi_adjust_external_memory(env, -static_cast<int64_t>(reinterpret_cast<intptr_t>(hint)), &ignored);
        delete static_cast<Corpus*>(data);
      },
      reinterpret_cast<void*>(static_cast<intptr_t>(bytes)));
  int64_t ignored;
  napi_adjust_external_memory(a.env, bytes, &ignored);
  return handle;
}

napi_value CorpusInfo(const Args& a) {
  const Corpus index = CorpusArg(a, 0);
  napi_value o, width;
  Check(napi_create_object(a.env, &o));
  SetNamed(a.env, o, "size", Double(a.env, static_cast<double>(index->size())));
  Check(napi_create_int32(a.env, index->width(), &width));
  SetNamed(a.env, o, "width", width);
  SetNamed(a.env, o, "bytes", Double(a.env, static_cast<double>(index->memory_bytes())));
  return o;
}

napi_value CancelToken(const Args& a) {
  return NewHandle(a.env, std::make_unique<Token>(std::make_shared<std::atomic<bool>>(false)), kTokenTag,
                   [](napi_env, void* data, void*) { delete static_cast<Token*>(data); }, nullptr);
}

napi_value Cancel(const Args& a) {
  (*HandleArg<Token>(a, 0, kTokenTag, "token", "a cancel token (from cancelToken)"))->store(true);
  napi_value undefined;
  Check(napi_get_undefined(a.env, &undefined));
  return undefined;
}

struct SearchArgs {
  Corpus index;
  std::vector<std::vector<uint32_t>> queries;
  SearchOptions options;
};

// (handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore, maxDistance, threads)
SearchArgs ReadSearchArgs(const Args& a) {
  SearchArgs s;
  s.index = CorpusArg(a, 0);
  s.queries = SplitCodePoints(a, 1, 2, "queries");
  s.options.metric = static_cast<Metric>(MetricArg(a, 3));
  s.options.n = SizeArg(a, 4, "n", Negative::Refused, 10);
  s.options.prefix_weight = WeightArg(a, 5, "prefixWeight");
  s.options.min_score = SimilarityArg(a, 6, "minScore");
  s.options.max_distance = SizeArg(a, 7, "maxDistance", Negative::MeansNone, SIZE_MAX);
  s.options.threads = ThreadsArg(a, 8);
  return s;
}

// The matches of every query, flattened: counts[q] matches per query, then their scores and
// corpus indices in order. Built off the JS thread, handed to JS without a copy.
struct SearchResult {
  std::vector<uint32_t> counts, indices;
  std::vector<double> scores;
  SearchStats stats;
};

SearchResult RunSearch(const SearchArgs& s) {
  SearchResult r;
  const std::vector<std::vector<Match>> results = s.index->search_many(s.queries, s.options, &r.stats);
  size_t total = 0;
  for (const auto& m : results) total += m.size();
  r.counts.reserve(results.size());
  r.scores.reserve(total);
  r.indices.reserve(total);
  for (const auto& matches : results) {
    r.counts.push_back(static_cast<uint32_t>(matches.size()));
    for (const Match& m : matches) {
      r.scores.push_back(m.score);
      r.indices.push_back(m.index);
    }
  }
  return r;
}

napi_value ResultObject(napi_env env, SearchResult&& r) {
  napi_value o;
  Check(napi_create_object(env, &o));
  SetNamed(env, o, "counts", TypedArrayOf(env, std::move(r.counts), napi_uint32_array));
  SetNamed(env, o, "scores", TypedArrayOf(env, std::move(r.scores), napi_float64_array));
  SetNamed(env, o, "indices", TypedArrayOf(env, std::move(r.indices), napi_uint32_array));
  SetNamed(env, o, "visited", Double(env, static_cast<double>(r.stats.visited)));
  SetNamed(env, o, "scored", Double(env, static_cast<double>(r.stats.scored)));
  return o;
}

// corpusSearchSync(handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore,
//                  maxDistance, threads) -> result
napi_value CorpusSearchSync(const Args& a) {
  const SearchArgs s = ReadSearchArgs(a);
  return ResultObject(a.env, RunSearch(s));
}

// corpusSearchInto(handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore,
//                  maxDistance, threads, out: Uint32Array, scores: Float64Array) -> total
// corpusSearchSync's result written into the caller's arrays: out[0, q) the counts, out[q, q +
// total) the corpus indices, scores[0, total) the scores. No object, no buffer made per call:
// the search of a tiny corpus costs less than building a result object (measured: a cold
// call's object of three typed arrays about half of it). Arrays too short are a RangeError,
// nothing written.
napi_value CorpusSearchInto(const Args& a) {
  const SearchArgs s = ReadSearchArgs(a);
  const Span<uint32_t> out = TypedArrayArg<uint32_t>(a, 9, "out");
  const Span<double> scores = TypedArrayArg<double>(a, 10, "scores");
  const std::vector<std::vector<Match>> results = s.index->search_many(s.queries, s.options);
  size_t total = 0;
  for (const auto& m : results) total += m.size();
  const size_t q = results.size();
  if (out.length < q || out.length - q < total || scores.length < total) {
    a.OptionError(9, "out", "arrays with room for the counts, the indices and the scores of every match");
  }
  size_t at = 0;
  for (size_t i = 0; i < q; ++i) {
    out.data[i] = static_cast<uint32_t>(results[i].size());
    for (const Match& m : results[i]) {
      out.data[q + at] = m.index;
      scores.data[at++] = m.score;
    }
  }
  return Double(a.env, static_cast<double>(total));
}

class SearchJob : public AsyncJob {
 public:
  SearchJob(SearchArgs args, Token token) : AsyncJob(std::move(token)), args_(std::move(args)) {
    args_.options.cancel = token_.get();
  }

 protected:
  void Run() override { result_ = RunSearch(args_); }
  napi_value Result(napi_env env) override { return ResultObject(env, std::move(result_)); }

 private:
  SearchArgs args_;
  SearchResult result_;
};

// corpusSearch(handle, queriesJoined, queryLengths, metric, n, prefixWeight, minScore,
//              maxDistance, threads, token?) -> Promise<result>
napi_value CorpusSearch(const Args& a) {
  SearchArgs s = ReadSearchArgs(a);
  Token token = TokenArg(a, 9);
  return AsyncJob::Start(a.env, std::make_unique<SearchJob>(std::move(s), std::move(token)), "strdist:search");
}

// The matrix's memory: NoInit, and on Linux, for results of 4 MiB and more, aligned to 2 MiB
// and marked for transparent huge pages. Measured here (a VM under load): the first touch of a
// 32 MiB result (200 x 20,000 cells) cost ~110 ms of page faults in 4 KiB pages, ~2 ms in huge
// pages, as much as the scoring itself; numpy does the same for RapidFuzz's cdist result.
template <class T>
struct MatrixAlloc : NoInit<T> {
  template <class U>
  struct rebind {
    using other = MatrixAlloc<U>;
  };
  MatrixAlloc() = default;
  template <class U>
  MatrixAlloc(const MatrixAlloc<U>&) noexcept {}
#if defined(__linux__)
  static constexpr size_t kHuge = size_t(2) << 20;
  T* allocate(size_t n) {
    if (n < (size_t(4) << 20) / sizeof(T)) return NoInit<T>::allocate(n);
    if (n > SIZE_MAX / sizeof(T) - kHuge) throw std::bad_alloc();
    const size_t bytes = (n * sizeof(T) + kHuge - 1) / kHuge * kHuge;
    void* p = nullptr;
    if (posix_memalign(&p, kHuge, bytes) != 0) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without it, 4 KiB pages as before
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n < (size_t(4) << 20) / sizeof(T)) return NoInit<T>::deallocate(p, n);
    std::free(p);
  }
#endif
};

// The matrix's element type (the dtype option): the kernels compute doubles, each converted
// once as it is stored (float: rounded to nearest, as a Float32Array store rounds; int32_t:
// Levenshtein distances only, which are integers).
template <class T> struct MatrixType;
template <> struct MatrixType<double> { static constexpr napi_typedarray_type type = napi_float64_array; };
template <> struct MatrixType<float> { static constexpr napi_typedarray_type type = napi_float32_array; };
template <> struct MatrixType<int32_t> { static constexpr napi_typedarray_type type = napi_int32_array; };

template <class T>
class MatrixJob : public AsyncJob {
 public:
  MatrixJob(Metric metric, std::vector<std::vector<uint32_t>> queries, Prepared choices, double param, size_t max,
            double min, unsigned threads, Token token)
      : AsyncJob(std::move(token)),
        metric_(metric),
        queries_(std::move(queries)),
        choices_(std::move(choices)),
        param_(param),
        max_(max),
        min_(min),
        threads_(threads) {}

 protected:
  void Run() override {
    if (token_->load()) return;  // cancelled: not even the result's memory
    const strdist::PackedChoices& choices = *choices_;
    const size_t nq = queries_.size(), nc = choices.size();
    out_.resize(nq * nc);  // nq * nc was checked against the result limit; not zeroed: see NoInit
    // tasks: (row, unit of about `lanes` choices), taken from a shared counter by every thread;
    // the SIMD path is read once, so one call runs on one path throughout.
    const strdist::SimdPath path = strdist::simd_path();
    const int metric = static_cast<int>(metric_);
    const size_t lanes = std::max<size_t>(2048, nc / (size_t(threads_) * 4) + 1);
    const std::vector<strdist::PackedChoices::Unit> units = choices.units(path, lanes);
    const size_t per_row = units.size();
    const size_t tasks = nq * per_row;
    std::atomic<size_t> next(0);
    const std::atomic<bool>& cancel = *token_;
    const unsigned parts = static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(tasks, 1)));
    strdist::shared_pool().run(parts, [&](unsigned) {
      std::unique_ptr<strdist::QueryScorer> scorer;  // of the row this thread last worked on
      size_t scorer_row = SIZE_MAX;
      for (;;) {
        const size_t t = next.fetch_add(1, std::memory_order_relaxed);
        if (t >= tasks || cancel.load(std::memory_order_relaxed)) return;
        const size_t row = t / per_row;
        if (row != scorer_row) {
          const auto& q = queries_[row];
          scorer.reset(new strdist::QueryScorer(metric, q.data(), q.size(), param_, max_, min_));
          scorer_row = row;
        }
        scorer->run(choices, units[t % per_row], path, out_.data() + row * nc);
      }
    });
  }
  napi_value Result(napi_env env) override { return TypedArrayOf(env, std::move(out_), MatrixType<T>::type); }

 private:
  Metric metric_;
  std::vector<std::vector<uint32_t>> queries_;
  Prepared choices_;
  double param_;
  size_t max_;
  double min_;
  unsigned threads_;
  std::vector<T, MatrixAlloc<T>> out_;  // every cell written by Run, unless it was cancelled
};

// scoreMatrix(metric, queriesJoined, queryLengths, choicesJoined, choiceLengths, param, cutoff,
//             threads, token?, dtype?) -> Promise<Float64Array | Float32Array | Int32Array>
// (row-major, one row per query); dtype: 0 or undefined Float64Array, 1 Float32Array,
// 2 Int32Array (metric 0, levenshtein, only)
// choicesJoined (a string, or the units in a Uint16Array) is packed here, on the JS thread; or it
// is prepared choices (prepareChoices), and choiceLengths is then not read.
napi_value ScoreMatrix(const Args& a) {
  const MetricId metric = MetricArg(a, 0);
  std::vector<uint32_t> qlen;
  auto queries = SplitCodePoints(a, 1, 2, "queries", &qlen);
  Prepared prepared = IsPrepared(a, 3) ? PreparedArg(a, 3) : PackChoicesOnce(a, 3, 4, "choices");
  const double param = metric == kJaroWinkler ? WeightArg(a, 5, "prefixWeight") : NumberArg(a, 5, "param", 0);
  size_t max = SIZE_MAX;
  double min = 0;
  if (metric == kLevenshtein) max = SizeArg(a, 6, "maxDistance", Negative::MeansNone, SIZE_MAX);
  else min = SimilarityArg(a, 6, "minSimilarity");
  const unsigned threads = ThreadsArg(a, 7);
  Token token = TokenArg(a, 8);
  const double dtype = NumberArg(a, 9, "dtype", 0);
  if (!(dtype == 0 || dtype == 1 || (dtype == 2 && metric == kLevenshtein))) {
    a.OptionError(9, "dtype", "0 (Float64Array), 1 (Float32Array) or, for metric 0 (levenshtein), 2 (Int32Array)");
  }
  const size_t nq = queries.size(), nc = prepared->size();
  // Refused before any work: the result is one typed array (kMaxResultLength).
  if (nc != 0 && nq > kMaxResultLength / nc) {
    ThrowResultTooLarge(a.fn, "the matrix (queries x choices)", static_cast<double>(nq) * static_cast<double>(nc));
  }
  // The pair-size limit of the pairwise calls, for every (query, choice) over it.
  for (size_t i = 0; i < nq; ++i) CheckPreparedSizes(a, *prepared, qlen[i], queries[i].data(), queries[i].size());
  auto start = [&](auto element) {
    using T = decltype(element);
    return AsyncJob::Start(a.env,
                           std::make_unique<MatrixJob<T>>(static_cast<Metric>(metric), std::move(queries),
                                                          std::move(prepared), param, max, min, threads,
                                                          std::move(token)),
                           "strdist:matrix");
  };
  if (dtype == 1) return start(float());
  if (dtype == 2) return start(int32_t());
  return start(double());
}

}  // namespace

void InitCorpusWords(napi_env env, napi_value exports);  // below: issue 11, item 4

void InitSearch(napi_env env, napi_value exports) {
  SetFunction(env, exports, "corpusCreate", Export<CorpusCreate>);
  SetFunction(env, exports, "corpusInfo", Export<CorpusInfo>);
  SetFunction(env, exports, "corpusSearch", Export<CorpusSearch>);
  SetFunction(env, exports, "corpusSearchSync", Export<CorpusSearchSync>);
  SetFunction(env, exports, "corpusSearchInto", Export<CorpusSearchInto>);
  SetFunction(env, exports, "scoreMatrix", Export<ScoreMatrix>);
  SetFunction(env, exports, "cancelToken", Export<CancelToken>);
  SetFunction(env, exports, "cancel", Export<Cancel>);
  InitCorpusWords(env, exports);
}

}  // namespace strdist_addon

// ---- issue 11, item 4: corpus memory --------------------------------------------------------
// A corpus without a processor keeps its words in its native index only (corpus_words.hpp);
// these calls build one from a word list's UTF-8 bytes and read words back as strings.

#include "corpus_words.hpp"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace strdist_addon {

template <>
struct TypedArrayKind<uint8_t> {
  static constexpr napi_typedarray_type type = napi_uint8_array;
  static constexpr const char* name = "a Uint8Array";
};

namespace {

napi_value Undefined(napi_env env) {
  napi_value v;
  Check(napi_get_undefined(env, &v));
  return v;
}

// The handle corpusCreate makes, for an index built here.
napi_value CorpusHandle(napi_env env, std::shared_ptr<const CorpusIndex> built) {
  auto index = std::make_unique<Corpus>(std::move(built));
  const int64_t bytes = static_cast<int64_t>((*index)->memory_bytes());
  napi_value handle = NewHandle(
      env, std::move(index), kCorpusTag,
      [](napi_env env, void* data, void* hint) {
        int64_t ignored;
        napi_adjust_external_memory(env, -static_cast<int64_t>(reinterpret_cast<intptr_t>(hint)), &ignored);
        delete static_cast<Corpus*>(data);
      },
      reinterpret_cast<void*>(static_cast<intptr_t>(bytes)));
  int64_t ignored;
  napi_adjust_external_memory(env, bytes, &ignored);
  return handle;
}

// Hands the build's scratch (several times the index's size, freed by now) back to the system:
// glibc keeps freed heap below its trim threshold, and that would count as the corpus's memory.
void ReleaseScratch() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

// A corpus index parsed from a word list's UTF-8 bytes (parse_word_lines), or not (ok false:
// the bytes are not UTF-8).
struct BuiltFromUtf8 {
  bool ok = false;
  std::shared_ptr<const CorpusIndex> index;
  bool dropped = false;
  std::vector<uint32_t> positions;  // when a duplicate was dropped
};

BuiltFromUtf8 BuildFromUtf8(const uint8_t* bytes, size_t n, bool dedupe) {
  BuiltFromUtf8 b;
  {
    strdist::ParsedWords parsed;
    if (!strdist::parse_word_lines(bytes, n, dedupe, parsed)) return b;
    b.index = std::make_shared<const CorpusIndex>(parsed.points.data(), parsed.lengths.data(), parsed.lengths.size());
    b.dropped = parsed.dropped;
    if (b.dropped) b.positions.assign(parsed.positions.begin(), parsed.positions.end());  // kept: exact size
  }
  ReleaseScratch();
  b.ok = true;
  return b;
}

napi_value BuiltObject(napi_env env, BuiltFromUtf8&& b) {
  if (!b.ok) return Undefined(env);
  napi_value o;
  Check(napi_create_object(env, &o));
  SetNamed(env, o, "handle", CorpusHandle(env, std::move(b.index)));
  SetNamed(env, o, "positions", b.dropped ? TypedArrayOf(env, std::move(b.positions), napi_uint32_array) : Undefined(env));
  return o;
}

bool DedupeArg(const Args& a, size_t i) {
  bool dedupe = false;
  if (napi_get_value_bool(a.env, a[i], &dedupe) != napi_ok) a.ArgumentError(i, "dedupe", "a boolean");
  return dedupe;
}

// corpusFromUtf8(bytes: Uint8Array, dedupe: boolean) -> { handle, positions } or undefined
// when the bytes are not valid UTF-8 (the caller's decoder then names the bad line). The words
// are parseWords(text, 'lines'); `positions` is undefined when no duplicate was dropped.
napi_value CorpusFromUtf8(const Args& a) {
  const Span<uint8_t> bytes = TypedArrayArg<uint8_t>(a, 0, "bytes");
  const bool dedupe = DedupeArg(a, 1);
  return BuiltObject(a.env, BuildFromUtf8(bytes.data, bytes.length, dedupe));
}

// corpusFromUtf8 on the task threads (a list of millions of words takes seconds to index).
class FromUtf8Job : public AsyncJob {
 public:
  FromUtf8Job(strdist::ScratchVector<uint8_t> bytes, bool dedupe)
      : AsyncJob(std::make_shared<std::atomic<bool>>(false)), bytes_(std::move(bytes)), dedupe_(dedupe) {}

 protected:
  void Run() override {
    built_ = BuildFromUtf8(bytes_.data(), bytes_.size(), dedupe_);
    strdist::ScratchVector<uint8_t>().swap(bytes_);
  }
  napi_value Result(napi_env env) override { return BuiltObject(env, std::move(built_)); }

 private:
  strdist::ScratchVector<uint8_t> bytes_;
  bool dedupe_;
  BuiltFromUtf8 built_;
};

// corpusFromUtf8Async(bytes, dedupe) -> Promise of what corpusFromUtf8 returns. The bytes are
// copied first: the caller's buffer may change or go while the job runs.
napi_value CorpusFromUtf8Async(const Args& a) {
  const Span<uint8_t> bytes = TypedArrayArg<uint8_t>(a, 0, "bytes");
  const bool dedupe = DedupeArg(a, 1);
  strdist::ScratchVector<uint8_t> copy(bytes.data, bytes.data + bytes.length);
  return AsyncJob::Start(a.env, std::make_unique<FromUtf8Job>(std::move(copy), dedupe), "strdist:corpusFromUtf8");
}

// corpusCreatePacked(joined, lengths) -> handle: corpusCreate for a corpus whose index is its
// only copy of the words (Corpus.from), with the build's scratch handed back afterwards.
napi_value CorpusCreatePacked(const Args& a) {
  napi_value handle = CorpusCreate(a);
  ReleaseScratch();
  return handle;
}

// One word as a JS string: 1-byte text is Latin-1 as it is, 2-byte text is UTF-16 as it is
// (no pairs: those are 4-byte), 4-byte text is re-encoded.
napi_value WordString(napi_env env, int width, const strdist::CorpusWords::Word& w, std::vector<char16_t>& buf) {
  napi_value v;
  static const char16_t kEmpty[1] = {0};
  if (w.length == 0) {
    Check(napi_create_string_utf16(env, kEmpty, 0, &v));
  } else if (width == 1) {
    Check(napi_create_string_latin1(env, reinterpret_cast<const char*>(w.text), w.length, &v));
  } else if (width == 2) {
    Check(napi_create_string_utf16(env, reinterpret_cast<const char16_t*>(w.text), w.length, &v));
  } else {
    if (buf.size() < size_t(w.length) * 2) buf.resize(size_t(w.length) * 2);
    const size_t n = strdist::encode_utf16(reinterpret_cast<const uint32_t*>(w.text), w.length, buf.data());
    Check(napi_create_string_utf16(env, buf.data(), n, &v));
  }
  return v;
}

uint32_t IndexArg(const Args& a, size_t i, const char* name) {
  const size_t v = SizeArg(a, i, name, Negative::Refused, 0);
  return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(v);
}

// releaseFreeMemory() -> undefined: ReleaseScratch, for the JavaScript side to call once what a
// corpus was built from has been collected (the caller's strings, the lengths it sent): freed
// by the GC after the build, that memory would otherwise stay resident in malloc's heap.
napi_value ReleaseFreeMemory(const Args& a) {
  ReleaseScratch();
  return Undefined(a.env);
}

// corpusWord(handle, i) -> the word at corpus index i, or undefined past the end
napi_value CorpusWord(const Args& a) {
  const Corpus index = CorpusArg(a, 0);
  const uint32_t i = IndexArg(a, 1, "index");
  strdist::CorpusWords::Word w;
  if (!strdist::CorpusWords::find(*index, i, &w)) return Undefined(a.env);
  std::vector<char16_t> buf;
  return WordString(a.env, strdist::CorpusWords::width(*index), w, buf);
}

// corpusWordsAt(handle, indices: Uint32Array) -> string[] (undefined where past the end)
napi_value CorpusWordsAt(const Args& a) {
  const Corpus index = CorpusArg(a, 0);
  const Span<uint32_t> span = TypedArrayArg<uint32_t>(a, 1, "indices");
  const std::vector<uint32_t> indices(span.data, span.data + span.length);  // read once (see CopyLengths)
  napi_value out;
  Check(napi_create_array_with_length(a.env, indices.size(), &out));
  std::vector<char16_t> buf;
  const int width = strdist::CorpusWords::width(*index);
  for (size_t k = 0; k < indices.size(); ++k) {
    strdist::CorpusWords::Word w;
    const napi_value v = strdist::CorpusWords::find(*index, indices[k], &w) ? WordString(a.env, width, w, buf)
                                                                            : Undefined(a.env);
    Check(napi_set_element(a.env, out, static_cast<uint32_t>(k), v));
  }
  return out;
}

// corpusWords(handle, from, to) -> the words at corpus indices from .. to - 1 (clamped), in order
napi_value CorpusWords(const Args& a) {
  const Corpus index = CorpusArg(a, 0);
  const uint32_t size = static_cast<uint32_t>(std::min<size_t>(index->size(), 0xFFFFFFFFu));
  const uint32_t to = std::min(IndexArg(a, 2, "to"), size);
  const uint32_t from = std::min(IndexArg(a, 1, "from"), to);
  napi_value out;
  Check(napi_create_array_with_length(a.env, to - from, &out));
  std::vector<char16_t> buf;
  const int width = strdist::CorpusWords::width(*index);
  strdist::CorpusWords::each_in_range(*index, from, to, [&](uint32_t i, const strdist::CorpusWords::Word& w) {
    Check(napi_set_element(a.env, out, i - from, WordString(a.env, width, w, buf)));
  });
  return out;
}

// corpusBytes(handle) -> where the index's bytes go: { text, signatures, index, groups }
napi_value CorpusBytes(const Args& a) {
  const Corpus index = CorpusArg(a, 0);
  const strdist::CorpusWords::Bytes b = strdist::CorpusWords::bytes(*index);
  napi_value o;
  Check(napi_create_object(a.env, &o));
  SetNamed(a.env, o, "text", Double(a.env, static_cast<double>(b.text)));
  SetNamed(a.env, o, "signatures", Double(a.env, static_cast<double>(b.signatures)));
  SetNamed(a.env, o, "index", Double(a.env, static_cast<double>(b.index)));
  SetNamed(a.env, o, "groups", Double(a.env, static_cast<double>(b.groups)));
  return o;
}

}  // namespace

void InitCorpusWords(napi_env env, napi_value exports) {
  SetFunction(env, exports, "corpusFromUtf8", Export<CorpusFromUtf8>);
  SetFunction(env, exports, "corpusFromUtf8Async", Export<CorpusFromUtf8Async>);
  SetFunction(env, exports, "corpusCreatePacked", Export<CorpusCreatePacked>);
  SetFunction(env, exports, "releaseFreeMemory", Export<ReleaseFreeMemory>);
  SetFunction(env, exports, "corpusWord", Export<CorpusWord>);
  SetFunction(env, exports, "corpusWordsAt", Export<CorpusWordsAt>);
  SetFunction(env, exports, "corpusWords", Export<CorpusWords>);
  SetFunction(env, exports, "corpusBytes", Export<CorpusBytes>);
}

}  // namespace strdist_addon
