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

thread_local CodePointArg g_query;
thread_local std::vector<char16_t> g_joined_units;
thread_local std::vector<uint32_t> g_joined_points;

double NumberArg(const Napi::CallbackInfo& info, size_t i, double fallback) {
  if (info.Length() <= i || info[i].IsUndefined()) return fallback;
  return info[i].As<Napi::Number>().DoubleValue();
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

// The pairwise calls are raw Node-API callbacks: for two short strings the boundary costs
// more than the bit-parallel work, so they read the arguments with as few calls as possible
// (each string copied once into a stack buffer when it fits).
constexpr size_t kStackUnits = 256;

struct PairArg {
  char16_t stack[kStackUnits];
  std::vector<char16_t> heap;
  const char16_t* units = nullptr;
  size_t length = 0;

  bool read(napi_env env, napi_value v, const char* name) {
    size_t copied = 0;
    if (napi_get_value_string_utf16(env, v, stack, kStackUnits, &copied) != napi_ok) {
      napi_throw_type_error(env, nullptr, (std::string(name) + " must be a string").c_str());
      return false;
    }
    if (copied < kStackUnits - 1) {
      units = stack;
      length = copied;
      return true;
    }
    // It may have been cut at the buffer: read it whole.
    length = strdist_addon::ReadUtf16(env, v, heap, name);
    units = heap.data();
    return true;
  }
};

// Decoded code points of both arguments, in buffers reused across calls on this thread.
struct Pair {
  const uint32_t* a;
  size_t la;
  const uint32_t* b;
  size_t lb;
};

thread_local std::vector<uint32_t> g_points_a(kStackUnits), g_points_b(kStackUnits);

template <size_t N, typename F>
napi_value Pairwise(napi_env env, napi_callback_info info, F&& body) {
  size_t argc = N;
  napi_value argv[N];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) {
    napi_throw_type_error(env, nullptr, "expected two strings");
    return nullptr;
  }
  PairArg a, b;
  if (!a.read(env, argv[0], "a") || !b.read(env, argv[1], "b")) return nullptr;
  try {
    if (g_points_a.size() < a.length) g_points_a.resize(a.length);
    if (g_points_b.size() < b.length) g_points_b.resize(b.length);
    Pair p{g_points_a.data(), decode_utf16(a.units, a.length, g_points_a.data()), g_points_b.data(),
           decode_utf16(b.units, b.length, g_points_b.data())};
    double opt[N > 2 ? N - 2 : 1] = {};
    for (size_t i = 2; i < N; ++i) {
      if (i >= argc || napi_get_value_double(env, argv[i], &opt[i - 2]) != napi_ok) opt[i - 2] = -1;
    }
    napi_value result;
    napi_create_double(env, body(p, opt), &result);
    return result;
  } catch (const std::bad_alloc&) {
    napi_throw_range_error(env, nullptr, "strdist: out of memory for these strings");
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("strdist: ") + e.what()).c_str());
  }
  return nullptr;
}

size_t MaxArg(double max) {
  // -1 (or anything negative / non-finite) means "no cutoff".
  if (!(max >= 0) || max >= 9007199254740992.0) return SIZE_MAX;
  return static_cast<size_t>(max);
}

napi_value Levenshtein(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Pair& p, const double* o) {
    return static_cast<double>(strdist::levenshtein(p.a, p.la, p.b, p.lb, MaxArg(o[0])));
  });
}

napi_value LevenshteinSimilarity(napi_env env, napi_callback_info info) {
  return Pairwise<2>(env, info, [](const Pair& p, const double*) {
    return strdist::levenshtein_similarity(p.a, p.la, p.b, p.lb);
  });
}

napi_value Jaro(napi_env env, napi_callback_info info) {
  return Pairwise<3>(env, info, [](const Pair& p, const double* o) {
    return strdist::jaro(p.a, p.la, p.b, p.lb, o[0] < 0 ? 0.0 : o[0]);
  });
}

napi_value JaroWinkler(napi_env env, napi_callback_info info) {
  return Pairwise<4>(env, info, [](const Pair& p, const double* o) {
    return strdist::jaro_winkler(p.a, p.la, p.b, p.lb, o[0] < 0 ? 0.1 : o[0], o[1] < 0 ? 0.0 : o[1]);
  });
}

enum Metric : int { kLevenshtein = 0, kLevenshteinSimilarity = 1, kJaro = 2, kJaroWinkler = 3 };

// scoreMany(metric, query, units, lengths: Uint32Array, param, cutoff, out: Float64Array)
// `units` is every choice's UTF-16 units back to back (a Uint16Array, or a joined string);
// lengths[i] is the UTF-16 length of choice i.
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

    // The choices arrive as UTF-16 units in a Uint16Array (read in place) or a joined string.
    const char16_t* units;
    size_t copied;
    if (info[2].IsTypedArray()) {
      Napi::Uint16Array u = info[2].As<Napi::Uint16Array>();
      units = reinterpret_cast<const char16_t*>(u.Data());
      copied = u.ElementLength();
    } else {
      copied = strdist_addon::ReadUtf16(env, info[2], g_joined_units, "joined");
      units = g_joined_units.data();
    }
    if (g_joined_points.size() < copied + 1) g_joined_points.resize(copied + 1);

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
  auto raw = [&](const char* name, napi_callback cb) {
    napi_value fn;
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn));
    exports.Set(name, Napi::Value(env, fn));
  };
  raw("levenshtein", Levenshtein);
  raw("levenshteinSimilarity", LevenshteinSimilarity);
  raw("jaro", Jaro);
  raw("jaroWinkler", JaroWinkler);
  exports.Set("scoreMany", Napi::Function::New(env, ScoreMany, "scoreMany"));
  exports.Set("kernelVersion", Napi::Number::New(env, STRDIST_KERNEL_VERSION));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  exports.Set("cpuFeatures", CpuFeatures(env));
  strdist_addon::InitSearch(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(strdist, Init)
