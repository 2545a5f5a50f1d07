// prepareChoices / preparedInfo / scoreManyPrepared, and the SIMD path switch (simdPath).
// Choices are packed once (PackedChoices: code points plus lane batches) and kept in native
// memory behind a type-tagged External, so repeated scoreMany/scoreMatrix calls over the same
// choices move nothing but the query across the boundary.
#include "prepared.hpp"

#include <cstring>
#include <mutex>
#include <string>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <vector>

namespace strdist_addon {

bool IsPrepared(const Args& a, size_t i) {
  napi_valuetype t;
  Check(napi_typeof(a.env, a[i], &t));
  bool tagged = false;
  return t == napi_external && napi_check_object_type_tag(a.env, a[i], &kPreparedTag, &tagged) == napi_ok && tagged;
}

Prepared PreparedArg(const Args& a, size_t i) {
  return *HandleArg<Prepared>(a, i, kPreparedTag, "choices", "prepared choices (from prepareChoices)");
}

namespace {

// Reads and decodes the choices, then packs them: into `into` (repacked in its own memory) or,
// when it is null, into a new PackedChoices.
std::unique_ptr<strdist::PackedChoices> ReadAndPack(const Args& a, size_t units_at, size_t lengths_at, const char* what,
                                                    std::unique_ptr<strdist::PackedChoices> into) {
  std::vector<char16_t> joined;  // a string's units (a Uint16Array is read where it is)
  const char16_t* units;
  size_t total;
  if (IsTypedArray(a.env, a[units_at])) {
    const Span<uint16_t> u = TypedArrayArg<uint16_t>(a, units_at, what);
    units = reinterpret_cast<const char16_t*>(u.data);
    total = u.length;
  } else {
    if (!ReadUtf16(a.env, a[units_at], joined, &total)) a.ArgumentError(units_at, what, "a Uint16Array or a string");
    units = joined.data();
  }
  std::vector<uint32_t> lengths;  // a copy of the lengths: see CopyLengths
  CopyLengths(a, lengths_at, TypedArrayArg<uint32_t>(a, lengths_at, "lengths"), total,
              "UTF-16 lengths adding up to the units' length", lengths);
  if (lengths.size() > UINT32_MAX) {
    throw Failure(Kind::Range, code::kTooLarge, std::string(a.fn) + ": at most 2^32 - 1 choices");
  }
  std::vector<uint32_t> points = into ? into->take_points() : std::vector<uint32_t>();
  points.resize(total + 1);
  std::vector<uint32_t> cp_lengths(lengths.size());
  DecodeChoices(units, total, lengths.data(), lengths.size(), points.data(), cp_lengths.data());
  if (!into) return std::make_unique<strdist::PackedChoices>(std::move(points), cp_lengths.data(), lengths.data(), lengths.size());
  into->repack(std::move(points), cp_lengths.data(), lengths.data(), lengths.size());
  return into;
}

// The memory of the last one-shot packing whose call is done (see PackChoicesOnce), at most
// kSpareBytes of it.
std::mutex g_spare_mutex;
std::unique_ptr<strdist::PackedChoices> g_spare;
constexpr size_t kSpareBytes = size_t(64) << 20;

}  // namespace

strdist::PackedChoices PackChoices(const Args& a, size_t units_at, size_t lengths_at, const char* what) {
  return std::move(*ReadAndPack(a, units_at, lengths_at, what, nullptr));
}

Prepared PackChoicesOnce(const Args& a, size_t units_at, size_t lengths_at, const char* what) {
  std::unique_ptr<strdist::PackedChoices> spare;
  {
    std::lock_guard<std::mutex> lock(g_spare_mutex);
    spare = std::move(g_spare);
  }
  std::unique_ptr<strdist::PackedChoices> packed = ReadAndPack(a, units_at, lengths_at, what, std::move(spare));
  return Prepared(packed.release(), [](const strdist::PackedChoices* p) {
    std::unique_ptr<strdist::PackedChoices> done(const_cast<strdist::PackedChoices*>(p));
    if (done->memory_bytes() > kSpareBytes) return;
    std::lock_guard<std::mutex> lock(g_spare_mutex);
    if (!g_spare) g_spare = std::move(done);
  });
}

void CheckPreparedSizes(const Args& a, const strdist::PackedChoices& c, size_t q_units, const uint32_t* q, size_t ql) {
  if (!OverCellLimit(q_units, c.max_units())) return;
  for (size_t i = 0; i < c.size(); ++i) {
    if (OverCellLimit(q_units, c.units(i)) &&
        !(c.length(i) == ql && std::memcmp(c.data(i), q, ql * sizeof(uint32_t)) == 0)) {
      ThrowTooLarge(a.fn, q_units, c.units(i));
    }
  }
}

void PopulateForWrite(void* data, size_t bytes) {
#if defined(__linux__)
  constexpr uintptr_t kPage = 4096;
  constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE (Linux 5.14), absent from older headers
  if (bytes < 16 * kPage) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite);  // an older kernel: EINVAL, no harm
#else
  (void)data;
  (void)bytes;
#endif
}

namespace {

// prepareChoices(units: Uint16Array | string, lengths: Uint32Array) -> handle
napi_value PrepareChoices(const Args& a) {
  auto handle = std::make_unique<Prepared>(std::make_shared<const strdist::PackedChoices>(PackChoices(a, 0, 1, "units")));
  const int64_t bytes = static_cast<int64_t>((*handle)->memory_bytes());
  napi_value v = NewHandle(
      a.env, std::move(handle), kPreparedTag,
      [](napi_env env, void* data, void* hint) {
        int64_t ignored;
        napi_adjust_external_memory(env, -static_cast<int64_t>(reinterpret_cast<intptr_t>(hint)), &ignored);
        delete static_cast<Prepared*>(data);
      },
      reinterpret_cast<void*>(static_cast<intptr_t>(bytes)));
  int64_t ignored;
  napi_adjust_external_memory(a.env, bytes, &ignored);
  return v;
}

napi_value PreparedInfo(const Args& a) {
  const Prepared c = PreparedArg(a, 0);
  napi_value o;
  Check(napi_create_object(a.env, &o));
  SetNamed(a.env, o, "size", Double(a.env, static_cast<double>(c->size())));
  SetNamed(a.env, o, "bytes", Double(a.env, static_cast<double>(c->memory_bytes())));
  return o;
}

thread_local std::vector<char16_t> g_prepared_query;

// scoreManyPrepared(metric, query, handle, param, cutoff, out: Float64Array)
napi_value ScoreManyPrepared(const Args& a) {
  const MetricId metric = MetricArg(a, 0);
  const size_t q_units = StringArg(a, 1, "query", g_prepared_query);
  const Prepared c = PreparedArg(a, 2);
  const double param = metric == kJaroWinkler ? WeightArg(a, 3, "prefixWeight") : NumberArg(a, 3, "param", 0);
  size_t max = SIZE_MAX;
  double min = 0;
  if (metric == kLevenshtein) max = SizeArg(a, 4, "maxDistance", Negative::MeansNone, SIZE_MAX);
  else min = SimilarityArg(a, 4, "minSimilarity");
  const Span<double> out = TypedArrayArg<double>(a, 5, "out");
  if (out.length < c->size()) a.ArgumentError(5, "out", ("a Float64Array of at least " + std::to_string(c->size())).c_str());
  std::vector<uint32_t> q(q_units + 1);
  const size_t ql = strdist::decode_utf16(g_prepared_query.data(), q_units, q.data());
  if (g_prepared_query.size() > (size_t(1) << 20)) std::vector<char16_t>().swap(g_prepared_query);
  CheckPreparedSizes(a, *c, q_units, q.data(), ql);
  // `out` is written directly: nothing still to be read lives in JS memory.
  PopulateForWrite(out.data, c->size() * sizeof(double));
  strdist::QueryScorer(metric, q.data(), ql, param, max, min).run_all(*c, strdist::simd_path(), out.data);
  napi_value undefined;
  Check(napi_get_undefined(a.env, &undefined));
  return undefined;
}

// simdPath(name?) -> the path in use: "scalar", "avx2" or "avx512". With a name, forces that
// path for the whole process (a RangeError when this CPU or build cannot run it). For tests and
// benchmarks; STRDIST_SIMD sets the starting path.
napi_value SimdPathFn(const Args& a) {
  if (!IsUndefined(a.env, a[0])) {
    std::vector<char16_t> units;
    const size_t n = StringArg(a, 0, "path", units);
    const std::string name(units.begin(), units.begin() + static_cast<long>(n));
    strdist::SimdPath p;
    if (name == "scalar") p = strdist::SimdPath::Scalar;
    else if (name == "avx2") p = strdist::SimdPath::Avx2;
    else if (name == "avx512") p = strdist::SimdPath::Avx512;
    else a.OptionError(0, "path", "\"scalar\", \"avx2\" or \"avx512\"");
    if (!strdist::set_simd_path(p)) a.OptionError(0, "path", "a path this CPU and build can run (see simdPaths)");
  }
  napi_value s;
  Check(napi_create_string_utf8(a.env, strdist::simd_path_name(strdist::simd_path()), NAPI_AUTO_LENGTH, &s));
  return s;
}

}  // namespace

void InitPrepared(napi_env env, napi_value exports) {
  SetFunction(env, exports, "prepareChoices", Export<PrepareChoices>);
  SetFunction(env, exports, "preparedInfo", Export<PreparedInfo>);
  SetFunction(env, exports, "scoreManyPrepared", Export<ScoreManyPrepared>);
  SetFunction(env, exports, "simdPath", Export<SimdPathFn>);
  napi_value list;
  Check(napi_create_array(env, &list));
  uint32_t i = 0;
  for (strdist::SimdPath p : {strdist::SimdPath::Scalar, strdist::SimdPath::Avx2, strdist::SimdPath::Avx512}) {
    if (!strdist::simd_path_supported(p)) continue;
    napi_value s;
    Check(napi_create_string_utf8(env, strdist::simd_path_name(p), NAPI_AUTO_LENGTH, &s));
    Check(napi_set_element(env, list, i++, s));
  }
  SetNamed(env, exports, "simdPaths", list);
}

}  // namespace strdist_addon
