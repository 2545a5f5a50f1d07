// N-API glue for strdist. The algorithms live in the plain headers beside this file; this file
// only moves strings and numbers across the boundary. Arguments are validated in TypeScript
// (src/metrics.ts) before they get here; the checks below only keep a misuse from crashing.
#include <napi.h>

#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "addon.hpp"
#include "jaro.hpp"
#include "levenshtein.hpp"
#include "text.hpp"

#ifndef STRDIST_KERNEL_VERSION
#define STRDIST_KERNEL_VERSION 1
#endif

namespace {

using strdist::decode_utf16;

// A JS string read as UTF-16 and decoded to code points, into buffers reused across calls.
// thread_local: each worker_thread that loads the addon gets its own buffers.
struct CodePointArg {
  std::vector<char16_t> units;
  std::vector<uint32_t> points;
  size_t size = 0;

  void read(napi_env env, napi_value value, const char* name) {
    const size_t len = strdist_addon::ReadUtf16(env, value, units, name);
    if (points.size() < len + 1) points.resize(len + 1);
    size = decode_utf16(units.data(), len, points.data());
  }
  const uint32_t* data() const { return points.data(); }
};

thread_local CodePointArg g_a, g_b, g_query;
thread_local std::vector<char16_t> g_joined_units;
thread_local std::vector<uint32_t> g_joined_points;

double NumberArg(const Napi::CallbackInfo& info, size_t i, double fallback) {
  if (info.Length() <= i || info[i].IsUndefined()) return fallback;
  return info[i].As<Napi::Number>().DoubleValue();
}

size_t MaxArg(double max) {
  // -1 (or anything negative / non-finite) means "no cutoff".
  if (!(max >= 0) || max >= 9007199254740992.0) return SIZE_MAX;
  return static_cast<size_t>(max);
}

template <typename F>
Napi::Value Guard(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), "strdist: out of memory for these strings");
  } catch (const std::length_error&) {
    throw Napi::RangeError::New(info.Env(), "strdist: strings too long");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("strdist: ") + e.what());
  }
}

Napi::Value Levenshtein(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    g_a.read(info.Env(), info[0], "a");
    g_b.read(info.Env(), info[1], "b");
    size_t d = strdist::levenshtein(g_a.data(), g_a.size, g_b.data(), g_b.size,
                                    MaxArg(NumberArg(info, 2, -1)));
    return Napi::Number::New(info.Env(), static_cast<double>(d));
  });
}

Napi::Value LevenshteinSimilarity(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    g_a.read(info.Env(), info[0], "a");
    g_b.read(info.Env(), info[1], "b");
    return Napi::Number::New(
        info.Env(), strdist::levenshtein_similarity(g_a.data(), g_a.size, g_b.data(), g_b.size));
  });
}

Napi::Value Jaro(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    g_a.read(info.Env(), info[0], "a");
    g_b.read(info.Env(), info[1], "b");
    return Napi::Number::New(info.Env(), strdist::jaro(g_a.data(), g_a.size, g_b.data(),
                                                       g_b.size, NumberArg(info, 2, 0.0)));
  });
}

Napi::Value JaroWinkler(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    g_a.read(info.Env(), info[0], "a");
    g_b.read(info.Env(), info[1], "b");
    return Napi::Number::New(
        info.Env(), strdist::jaro_winkler(g_a.data(), g_a.size, g_b.data(), g_b.size,
                                          NumberArg(info, 2, 0.1), NumberArg(info, 3, 0.0)));
  });
}

enum Metric : int { kLevenshtein = 0, kLevenshteinSimilarity = 1, kJaro = 2, kJaroWinkler = 3 };

// scoreMany(metric, query, joined, lengths: Uint32Array, param, cutoff, out: Float64Array)
// `joined` is every choice concatenated; lengths[i] is the UTF-16 length of choice i.
// param: prefix weight for jaroWinkler; cutoff: maxDistance (levenshtein, -1 for none) or
// minSimilarity (similarities).
Napi::Value ScoreMany(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    int metric = info[0].As<Napi::Number>().Int32Value();
    g_query.read(env, info[1], "query");
    if (!info[3].IsTypedArray() || !info[6].IsTypedArray()) {
      throw Napi::TypeError::New(env, "lengths and out must be typed arrays");
    }
    Napi::Uint32Array lengths = info[3].As<Napi::Uint32Array>();
    double param = NumberArg(info, 4, 0.1);
    double cutoff = NumberArg(info, 5, -1);
    Napi::Float64Array out = info[6].As<Napi::Float64Array>();
    const size_t count = lengths.ElementLength();
    if (out.ElementLength() < count) throw Napi::RangeError::New(env, "out is too short");

    const size_t copied = strdist_addon::ReadUtf16(env, info[2], g_joined_units, "joined");
    if (g_joined_points.size() < copied + 1) g_joined_points.resize(copied + 1);

    const char16_t* units = g_joined_units.data();
    uint32_t* points = g_joined_points.data();
    const uint32_t* q = g_query.data();
    const size_t ql = g_query.size;
    double* res = out.Data();

    // Decode each choice on its own so a surrogate pair never spans two choices.
    auto each = [&](auto&& score) {
      size_t off = 0;
      for (size_t i = 0; i < count; ++i) {
        size_t len = lengths[i];
        if (off + len > copied) throw Napi::RangeError::New(env, "lengths exceed joined");
        size_t n = decode_utf16(units + off, len, points);
        res[i] = score(points, n);
        off += len;
      }
    };

    switch (metric) {
      case kLevenshtein: {
        strdist::CachedLevenshtein scorer(q, ql);
        size_t max = MaxArg(cutoff);
        each([&](const uint32_t* p, size_t n) {
          return static_cast<double>(scorer.distance(p, n, max));
        });
        break;
      }
      case kLevenshteinSimilarity: {
        strdist::CachedLevenshtein scorer(q, ql);
        each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n); });
        break;
      }
      case kJaro: {
        strdist::CachedJaro scorer(q, ql);
        double min = cutoff < 0 ? 0.0 : cutoff;
        each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n, min); });
        break;
      }
      case kJaroWinkler: {
        strdist::CachedJaroWinkler scorer(q, ql, param);
        double min = cutoff < 0 ? 0.0 : cutoff;
        each([&](const uint32_t* p, size_t n) { return scorer.similarity(p, n, min); });
        break;
      }
      default:
        throw Napi::RangeError::New(env, "unknown metric id " + std::to_string(metric));
    }
    return env.Undefined();
  });
}

Napi::Array CpuFeatures(Napi::Env env) {
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("popcnt")) list.Set(i++, "popcnt");
  if (__builtin_cpu_supports("sse4.2")) list.Set(i++, "sse4.2");
  if (__builtin_cpu_supports("avx2")) list.Set(i++, "avx2");
  if (__builtin_cpu_supports("bmi2")) list.Set(i++, "bmi2");
  if (__builtin_cpu_supports("avx512f")) list.Set(i++, "avx512f");
  if (__builtin_cpu_supports("avx512bw")) list.Set(i++, "avx512bw");
#elif defined(__aarch64__)
  list.Set(i++, "neon");
#endif
  return list;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("levenshtein", Napi::Function::New(env, Levenshtein, "levenshtein"));
  exports.Set("levenshteinSimilarity",
              Napi::Function::New(env, LevenshteinSimilarity, "levenshteinSimilarity"));
  exports.Set("jaro", Napi::Function::New(env, Jaro, "jaro"));
  exports.Set("jaroWinkler", Napi::Function::New(env, JaroWinkler, "jaroWinkler"));
  exports.Set("scoreMany", Napi::Function::New(env, ScoreMany, "scoreMany"));
  exports.Set("kernelVersion", Napi::Number::New(env, STRDIST_KERNEL_VERSION));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  exports.Set("cpuFeatures", CpuFeatures(env));
  strdist_addon::InitSearch(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(strdist, Init)
