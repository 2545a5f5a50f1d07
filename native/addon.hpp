// The Node-API boundary of strdist, shared by binding.cc and search_worker.cc (the only files
// that include Node headers).
//
// One error policy. Every export runs inside Guard(): its argument reads, the kernel call and
// the construction of its result. Whatever they throw reaches JavaScript as an error with a
// `code` from src/errors.ts:
//   Failure (raised on purpose below)  TypeError ERR_STRDIST_ARGUMENT (wrong type, handle or
//                                      typed array), RangeError ERR_STRDIST_OPTION (bad number),
//                                      RangeError ERR_STRDIST_TOO_LARGE (over a limit)
//   std::bad_alloc                     RangeError ERR_STRDIST_OUT_OF_MEMORY
//   std::length_error                  RangeError ERR_STRDIST_TOO_LARGE
//   anything else                      Error ERR_STRDIST_NATIVE
// The async jobs classify what their worker thread threw with the same function (Classify) and
// reject their promise with it.
//
// The boundary calls the C Node-API directly rather than node-addon-api's wrappers: those end
// the process (NAPI_FATAL_IF_FAILED) when a call fails, which happens when an environment (a
// worker_thread) shuts down while a search is in flight. Here a failed call is an exception
// like any other. node-addon-api's except_all build settings still compile this code with C++
// exceptions on.
#pragma once

#include <node_api.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pattern.hpp"
#include "pool.hpp"
#include "text.hpp"

namespace strdist_addon {

// ---- errors ------------------------------------------------------------------------------

enum class Kind { Type, Range, Plain };

// The codes of src/errors.ts (ERROR_CODES) that native code raises.
namespace code {
constexpr const char* kArgument = "ERR_STRDIST_ARGUMENT";
constexpr const char* kOption = "ERR_STRDIST_OPTION";
constexpr const char* kTooLarge = "ERR_STRDIST_TOO_LARGE";
constexpr const char* kOutOfMemory = "ERR_STRDIST_OUT_OF_MEMORY";
constexpr const char* kNative = "ERR_STRDIST_NATIVE";
}  // namespace code

// An error with a message and code, ready for JavaScript. The message is a fixed buffer so that
// copying or reporting one never allocates (it may be reporting an allocation failure).
struct ErrorInfo {
  Kind kind = Kind::Plain;
  const char* code = code::kNative;
  char message[320] = {};

  ErrorInfo() = default;
  ErrorInfo(Kind k, const char* c, const char* m1, const char* m2 = "") : kind(k), code(c) {
    std::snprintf(message, sizeof message, "%s%s", m1, m2);
  }
};

// An error the boundary raises on purpose.
class Failure : public std::exception {
 public:
  Failure(Kind kind, const char* code, const std::string& message) : info_(kind, code, message.c_str()) {}
  const char* what() const noexcept override { return info_.message; }
  const ErrorInfo& info() const { return info_; }

 private:
  ErrorInfo info_;
};

// A Node-API call did not return napi_ok (an exception may be pending).
struct NapiCallFailed : std::exception {
  const char* what() const noexcept override { return "a Node-API call failed"; }
};

inline void Check(napi_status status) {
  if (status != napi_ok) throw NapiCallFailed();
}

inline ErrorInfo Classify(const std::exception_ptr& e) noexcept {
  try {
    std::rethrow_exception(e);
  } catch (const Failure& f) {
    return f.info();
  } catch (const std::bad_alloc&) {
    return {Kind::Range, code::kOutOfMemory, "strdist: out of memory for this input"};
  } catch (const std::length_error&) {
    return {Kind::Range, code::kTooLarge, "strdist: input too large"};
  } catch (const std::exception& x) {
    return {Kind::Plain, code::kNative, "strdist: native error: ", x.what()};
  } catch (...) {
    return {Kind::Plain, code::kNative, "strdist: unknown native exception"};
  }
}

// The error as a JS value (nullptr when even that fails).
inline napi_value MakeError(napi_env env, const ErrorInfo& e) noexcept {
  napi_value code, message, error = nullptr;
  if (napi_create_string_utf8(env, e.code, NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_string_utf8(env, e.message, NAPI_AUTO_LENGTH, &message) != napi_ok) {
    return nullptr;
  }
  switch (e.kind) {
    case Kind::Type: napi_create_type_error(env, code, message, &error); break;
    case Kind::Range: napi_create_range_error(env, code, message, &error); break;
    case Kind::Plain: napi_create_error(env, code, message, &error); break;
  }
  return error;
}

inline void ThrowError(napi_env env, const ErrorInfo& e) noexcept {
  switch (e.kind) {
    case Kind::Type: napi_throw_type_error(env, e.code, e.message); break;
    case Kind::Range: napi_throw_range_error(env, e.code, e.message); break;
    case Kind::Plain: napi_throw_error(env, e.code, e.message); break;
  }
}

// The one guard: runs an export's body and turns anything it throws into a JS exception.
template <class F>
napi_value Guard(napi_env env, F&& body) noexcept {
  try {
    return body();
  } catch (const NapiCallFailed&) {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return nullptr;  // the engine's error stands
    ThrowError(env, {Kind::Plain, code::kNative, "strdist: a Node-API call failed"});
  } catch (...) {
    ThrowError(env, Classify(std::current_exception()));
  }
  return nullptr;
}

// ---- arguments ---------------------------------------------------------------------------

// Words for a value in an error message, as src/errors.ts describe() has them.
inline std::string Describe(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  if (napi_typeof(env, v, &t) != napi_ok) return "a value";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      if (std::isnan(d)) return "number NaN";
      if (std::isinf(d)) return d > 0 ? "number Infinity" : "number -Infinity";
      if (d == 0 && std::signbit(d)) return "number -0";
      char buf[48];
      for (int precision = 1; precision <= 17; ++precision) {  // the shortest form that reads back
        std::snprintf(buf, sizeof buf, "number %.*g", precision, d);
        if (std::strtod(buf + 7, nullptr) == d) break;
      }
      return buf;
    }
    case napi_object: {
      bool is = false;
      if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
        napi_typedarray_type type;
        size_t length = 0;
        napi_get_typedarray_info(env, v, &type, &length, nullptr, nullptr, nullptr);
        static const char* const names[] = {"Int8Array",    "Uint8Array",    "Uint8ClampedArray", "Int16Array",
                                            "Uint16Array",  "Int32Array",    "Uint32Array",       "Float32Array",
                                            "Float64Array", "BigInt64Array", "BigUint64Array"};
        const char* name = static_cast<unsigned>(type) < 11 ? names[type] : "typed array";
        return std::string("a ") + name + " of " + std::to_string(length);
      }
      if (napi_is_array(env, v, &is) == napi_ok && is) return "an array";
      return "an object";
    }
  }
  return "a value";
}

// An export's arguments; the missing ones read as undefined.
class Args {
 public:
  static constexpr size_t kMax = 12;
  // The export's name comes as the function's data (see SetFunction).
  // `want`: how many to read (the pairwise calls read no more than they use).
  Args(napi_env env, napi_callback_info info, size_t want = kMax) : env(env), fn("strdist") {
    size_t argc = want < kMax ? want : kMax;
    void* data = nullptr;
    Check(napi_get_cb_info(env, info, &argc, argv_, nullptr, &data));
    if (data) fn = static_cast<const char*>(data);
  }
  // For exports whose data is not their name (the pairwise calls: a PairContext): the data
  // comes back in *data and the caller sets `fn`.
  Args(napi_env env, napi_callback_info info, size_t want, void** data) : env(env), fn("strdist") {
    size_t argc = want < kMax ? want : kMax;
    Check(napi_get_cb_info(env, info, &argc, argv_, nullptr, data));
  }
  napi_value operator[](size_t i) const { return argv_[i]; }  // i < want

  [[noreturn]] void ArgumentError(size_t i, const char* name, const char* must) const {
    throw Failure(Kind::Type, code::kArgument,
                  std::string(fn) + ": " + name + " must be " + must + ", got " + Describe(env, argv_[i]));
  }
  [[noreturn]] void OptionError(size_t i, const char* name, const char* must) const {
    throw Failure(Kind::Range, code::kOption,
                  std::string(fn) + ": " + name + " must be " + must + ", got " + Describe(env, argv_[i]));
  }

  napi_env env;
  const char* fn;

 private:
  napi_value argv_[kMax];
};

inline bool IsUndefined(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_undefined;
}

// A JS string's UTF-16 units into `units`; returns their count. False when v is not a string.
template <class A>
bool ReadUtf16(napi_env env, napi_value v, std::vector<char16_t, A>& units, size_t* length) {
  size_t len = 0;
  const napi_status s = napi_get_value_string_utf16(env, v, nullptr, 0, &len);
  if (s == napi_string_expected) return false;
  Check(s);
  if (units.size() < len + 1) units.resize(len + 1);
  Check(napi_get_value_string_utf16(env, v, units.data(), len + 1, length));
  return true;
}

template <class A>
size_t StringArg(const Args& a, size_t i, const char* name, std::vector<char16_t, A>& units) {
  size_t length = 0;
  if (!ReadUtf16(a.env, a[i], units, &length)) a.ArgumentError(i, name, "a string");
  return length;
}

// A number, `fallback` when undefined. Anything else, NaN included, is a RangeError.
inline double NumberArg(const Args& a, size_t i, const char* name, double fallback) {
  double d = 0;
  const napi_status s = napi_get_value_double(a.env, a[i], &d);
  if (s == napi_number_expected) {
    if (IsUndefined(a.env, a[i])) return fallback;
    a.OptionError(i, name, "a number");
  }
  Check(s);
  if (std::isnan(d)) a.OptionError(i, name, "a number");
  return d;
}

// The one conversion from a JS number (not NaN, not negative) to a size: fractions drop,
// Infinity and anything from 2^53 up (where doubles stop being whole numbers one apart)
// saturate at SIZE_MAX, which every caller reads as "no limit".
inline size_t ToSize(double d) {
  if (d >= 9007199254740992.0 || d >= static_cast<double>(SIZE_MAX)) return SIZE_MAX;
  return static_cast<size_t>(d);
}

enum class Negative { Refused, MeansNone };

// A count or a cutoff. A negative number is refused, or for a cutoff means none (SIZE_MAX).
inline size_t SizeArg(const Args& a, size_t i, const char* name, Negative negative, size_t fallback) {
  const double d = NumberArg(a, i, name, std::nan(""));
  if (std::isnan(d)) return fallback;  // undefined
  if (d < 0) {
    if (negative == Negative::MeansNone) return SIZE_MAX;
    a.OptionError(i, name, "a non-negative number");
  }
  return ToSize(d);
}

// A similarity cutoff: negative or undefined mean none (0).
inline double SimilarityArg(const Args& a, size_t i, const char* name) {
  const double d = NumberArg(a, i, name, 0.0);
  return d < 0 ? 0.0 : d;
}

// Winkler's prefix weight: negative or undefined mean the default, 0.1; at most 0.25.
inline double WeightArg(const Args& a, size_t i, const char* name) {
  const double d = NumberArg(a, i, name, 0.1);
  if (d > 0.25) a.OptionError(i, name, "at most 0.25");
  return d < 0 ? 0.1 : d;
}

// Threads for one call: 1 .. 256.
inline unsigned ThreadsArg(const Args& a, size_t i) {
  const size_t t = SizeArg(a, i, "threads", Negative::Refused, 1);
  if (t == 0) a.OptionError(i, "threads", "at least 1");
  return t > 256 ? 256u : static_cast<unsigned>(t);
}

enum MetricId : int { kLevenshtein = 0, kLevenshteinSimilarity = 1, kJaro = 2, kJaroWinkler = 3 };

inline MetricId MetricArg(const Args& a, size_t i) {
  const double d = NumberArg(a, i, "metric", -1);
  if (!(d == 0 || d == 1 || d == 2 || d == 3)) {
    a.OptionError(i, "metric", "0 (levenshtein), 1 (levenshteinSimilarity), 2 (jaro) or 3 (jaroWinkler)");
  }
  return static_cast<MetricId>(static_cast<int>(d));
}

template <class T> struct TypedArrayKind;
template <> struct TypedArrayKind<uint16_t> {
  static constexpr napi_typedarray_type type = napi_uint16_array;
  static constexpr const char* name = "a Uint16Array";
};
template <> struct TypedArrayKind<uint32_t> {
  static constexpr napi_typedarray_type type = napi_uint32_array;
  static constexpr const char* name = "a Uint32Array";
};
template <> struct TypedArrayKind<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = "a Float64Array";
};

template <class T>
struct Span {
  T* data;
  size_t length;
};

inline bool IsTypedArray(napi_env env, napi_value v) {
  bool is = false;
  Check(napi_is_typedarray(env, v, &is));
  return is;
}

// A typed array of exactly element type T (a Uint8Array where a Float64Array belongs would be
// written eight times past its end).
template <class T>
Span<T> TypedArrayArg(const Args& a, size_t i, const char* name) {
  if (!IsTypedArray(a.env, a[i])) a.ArgumentError(i, name, TypedArrayKind<T>::name);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  Check(napi_get_typedarray_info(a.env, a[i], &type, &length, &data, nullptr, nullptr));
  if (type != TypedArrayKind<T>::type) a.ArgumentError(i, name, TypedArrayKind<T>::name);
  if (data == nullptr) length = 0;  // a detached buffer
  return {static_cast<T*>(data), length};
}

// A Uint32Array of UTF-16 lengths, copied once into `into`: every check and every use reads
// the copy, as the array may live in a SharedArrayBuffer that another thread writes while this
// call runs (a length checked, then read again, could have changed in between). The lengths
// must add up to `total`, checked at every step so that no sum wraps and no length reaches
// past the units. Returns the longest.
template <class A>
uint32_t CopyLengths(const Args& a, size_t i, const Span<uint32_t>& lengths, size_t total, const char* must,
                     std::vector<uint32_t, A>& into) {
  into.resize(lengths.length);
  size_t left = total;
  uint32_t longest = 0;
  for (size_t k = 0; k < lengths.length; ++k) {
    const uint32_t len = lengths.data[k];  // the one read
    into[k] = len;
    if (len > left) a.OptionError(i, "lengths", must);
    left -= len;
    if (len > longest) longest = len;
  }
  if (left != 0) a.OptionError(i, "lengths", must);
  return longest;
}

// Strings that travel as one joined string plus each one's UTF-16 length, decoded to code
// points one by one (so a surrogate pair never spans two strings). The lengths must add up to
// the joined string's length.
inline std::vector<std::vector<uint32_t>> SplitCodePoints(const Args& a, size_t joined_at, size_t lengths_at,
                                                          const char* name, std::vector<uint32_t>* utf16_lengths = nullptr) {
  std::vector<char16_t> units;
  const size_t total = StringArg(a, joined_at, name, units);
  std::vector<uint32_t> lengths;
  CopyLengths(a, lengths_at, TypedArrayArg<uint32_t>(a, lengths_at, "lengths"), total,
              "UTF-16 lengths adding up to the joined string's length", lengths);
  std::vector<std::vector<uint32_t>> out(lengths.size());
  size_t off = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t len = lengths[i];
    out[i].resize(len);
    out[i].resize(strdist::decode_utf16(units.data() + off, len, out[i].data()));
    off += len;
  }
  if (utf16_lengths) *utf16_lengths = std::move(lengths);
  return out;
}

// Every choice's code points back to back into `points` (room for `total` units), cp_lengths[i]
// of them for choice i (lengths[i] UTF-16 units): the units widened in one pass when none is a
// surrogate (the common case), else each choice decoded on its own, so a surrogate pair never
// spans two choices. Only the output of the last pass is used: units in memory another thread
// may change are still each read once for what is kept.
inline void DecodeChoices(const char16_t* units, size_t total, const uint32_t* lengths, size_t count, uint32_t* points,
                          uint32_t* cp_lengths) {
  if (strdist::decode_utf16(units, total, points) == total) {
    std::memcpy(cp_lengths, lengths, count * sizeof(uint32_t));
    return;
  }
  size_t off = 0, at = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t n = strdist::decode_utf16(units + off, lengths[i], points + at);
    cp_lengths[i] = static_cast<uint32_t>(n);
    off += lengths[i];
    at += n;
  }
}

// Pairs whose UTF-16 lengths multiply past this are refused unless identical, as the public
// wrapper does (MAX_CELLS in src/metrics.ts): hours of work are not an answer.
constexpr double kMaxCells = 68719476736.0;  // 2^36

inline bool OverCellLimit(size_t la, size_t lb) { return static_cast<double>(la) * static_cast<double>(lb) > kMaxCells; }

[[noreturn]] inline void ThrowTooLarge(const char* fn, size_t la, size_t lb) {
  throw Failure(Kind::Range, code::kTooLarge,
                std::string(fn) + ": strings too long: " + std::to_string(la) + " x " + std::to_string(lb) +
                    " UTF-16 units is over the limit of 2^36 cells");
}

// ---- handles -----------------------------------------------------------------------------

// A cancel flag shared by a search and its JS token.
using Token = std::shared_ptr<std::atomic<bool>>;

// Handles are Externals tagged with their kind, so a token passed for a corpus, or any other
// external, is a TypeError rather than a wild pointer.
constexpr napi_type_tag kCorpusTag = {0x5d1f3c2a9b7e4e01ull, 0x8c6a4f0e2d13b7a9ull};
constexpr napi_type_tag kTokenTag = {0x2b8e61d4c0a94f37ull, 0xa31f5c7e9d4b8e62ull};

template <class T>
napi_value NewHandle(napi_env env, std::unique_ptr<T> object, const napi_type_tag& tag, napi_finalize finalize,
                     void* hint) {
  napi_value v;
  Check(napi_create_external(env, object.get(), finalize, hint, &v));
  object.release();  // the finalizer owns it now
  Check(napi_type_tag_object(env, v, &tag));
  return v;
}

template <class T>
T* HandleArg(const Args& a, size_t i, const napi_type_tag& tag, const char* name, const char* what) {
  napi_valuetype t;
  Check(napi_typeof(a.env, a[i], &t));
  bool tagged = false;
  if (t == napi_external && napi_check_object_type_tag(a.env, a[i], &tag, &tagged) != napi_ok) tagged = false;
  if (!tagged) a.ArgumentError(i, name, what);
  void* p = nullptr;
  Check(napi_get_value_external(a.env, a[i], &p));
  return static_cast<T*>(p);
}

// ---- results -----------------------------------------------------------------------------

// An allocator that leaves a vector's elements uninitialized, for a result the job writes
// whole: zero-filling a large matrix first costs seconds of page faults, spent before the job
// can notice that it was cancelled.
template <class T>
struct NoInit : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = NoInit<U>;
  };
  NoInit() = default;
  template <class U>
  NoInit(const NoInit<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible<U>::value) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(args)...);
  }
};

// The most elements a result may have: V8 ends the process when asked for a longer typed array.
constexpr size_t kMaxResultLength = 0xFFFFFFFFu;

[[noreturn]] inline void ThrowResultTooLarge(const char* fn, const char* what, double elements) {
  char n[32];
  std::snprintf(n, sizeof n, "%.0f", elements);
  throw Failure(Kind::Range, code::kTooLarge,
                std::string(fn) + ": " + what + " must have at most 2^32 - 1 elements, got " + n);
}

// Results up to this size are copied into a buffer V8 allocates (TypedArrayOf): a few KiB
// cannot be what exhausts memory, and handing over costs more than the copy.
constexpr size_t kCopyResultBytes = 4096;

// A typed array over memory allocated here (where a failed allocation is a std::bad_alloc):
// V8 ends the process when it cannot allocate an ArrayBuffer itself.
template <class T, class A>
napi_value TypedArrayOf(napi_env env, std::vector<T, A>&& values, napi_typedarray_type type) {
  using Values = std::vector<T, A>;
  const size_t n = values.size();
  if (n > kMaxResultLength) ThrowResultTooLarge("strdist", "a result", static_cast<double>(n));
  napi_value buffer, array;
  if (n * sizeof(T) <= kCopyResultBytes) {
    // an external buffer costs a finalizer, a weak handle and a deferred free per array:
    // several microseconds, against a search's few bytes
    void* data;
    Check(napi_create_arraybuffer(env, n * sizeof(T), &data, &buffer));
    if (n) std::memcpy(data, values.data(), n * sizeof(T));
  } else {
    auto* owned = new Values(std::move(values));
    const napi_status s = napi_create_external_arraybuffer(
        env, owned->data(), n * sizeof(T), [](napi_env, void*, void* hint) { delete static_cast<Values*>(hint); },
        owned, &buffer);
    if (s != napi_ok) {
      values = std::move(*owned);
      delete owned;
      if (s != napi_no_external_buffers_allowed || n * sizeof(T) > (size_t(1) << 28)) throw std::bad_alloc();
      void* data;  // a runtime without external buffers: copy (small results only, see above)
      Check(napi_create_arraybuffer(env, n * sizeof(T), &data, &buffer));
      std::memcpy(data, values.data(), n * sizeof(T));
    }
  }
  Check(napi_create_typedarray(env, type, n, buffer, 0, &array));
  return array;
}

inline void SetNamed(napi_env env, napi_value object, const char* name, napi_value value) {
  Check(napi_set_named_property(env, object, name, value));
}

inline napi_value Double(napi_env env, double d) {
  napi_value v;
  Check(napi_create_double(env, d, &v));
  return v;
}

// ---- per-environment state -----------------------------------------------------------

// The cancel flags of this environment's in-flight jobs. When the environment shuts down (a
// worker_thread terminated) its cleanup hook raises them all, so the jobs stop within a few
// milliseconds instead of running on for an environment that is gone.
struct EnvState {
  std::mutex mu;
  std::vector<Token> inflight;
  bool closing = false;

  void add(const Token& t) {
    std::lock_guard<std::mutex> lock(mu);
    inflight.push_back(t);
    if (closing) t->store(true);
  }
  void remove(const Token& t) noexcept {
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = 0; i < inflight.size(); ++i) {
      if (inflight[i] == t) {
        inflight[i] = std::move(inflight.back());
        inflight.pop_back();
        return;
      }
    }
  }
  void cancel_all() noexcept {
    std::lock_guard<std::mutex> lock(mu);
    closing = true;
    for (const Token& t : inflight) t->store(true);
  }
};

// Set up by Init (instance data), for every export of this environment.
inline std::shared_ptr<EnvState> StateOf(napi_env env) {
  void* data = nullptr;
  Check(napi_get_instance_data(env, &data));
  if (!data) throw NapiCallFailed();
  return *static_cast<std::shared_ptr<EnvState>*>(data);
}

// ---- async jobs --------------------------------------------------------------------------

// Work off the JS thread that settles a promise. Run() runs on shared_tasks() (pool.hpp),
// Result() on the JS thread, reached through a thread-safe function; what either throws rejects
// the promise (classified as above), and a job whose token was raised rejects with "aborted".
//
// Why not napi_create_async_work: Node waits for libuv's work to finish before it runs an
// environment's cleanup hooks, so a terminated worker_thread would wait out the whole search.
// Here the cleanup hook raises the job's token, the thread-safe function closes, and the job
// thread, once it notices, drops its result: nothing refers to the environment after it is gone
// (Control::alive, under Control::mu, says whether the thread-safe function still exists).
class AsyncJob {
 public:
  virtual ~AsyncJob() = default;

  static napi_value Start(napi_env env, std::unique_ptr<AsyncJob> job, const char* name) {
    auto control = std::make_shared<Control>();
    AsyncJob& j = *job;
    control->job = std::move(job);
    j.state_ = StateOf(env);
    napi_value promise, resource;
    Check(napi_create_promise(env, &j.deferred_, &promise));
    Check(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource));
    j.state_->add(j.token_);
    auto* owner = new (std::nothrow) std::shared_ptr<Control>(control);  // the thread-safe function's share
    if (!owner || napi_create_threadsafe_function(env, nullptr, nullptr, resource, 0, 1, owner, Finalize, nullptr,
                                                  CallJs, &control->tsfn) != napi_ok) {
      delete owner;
      j.state_->remove(j.token_);
      throw NapiCallFailed();
    }
    bool queued = false;
    try {
      queued = strdist::shared_tasks().post([control] { Work(control); });
    } catch (...) {
    }
    if (!queued) Work(control);  // no thread to be had: run here; the result still comes back later
    return promise;
  }

 protected:
  explicit AsyncJob(Token token) : token_(std::move(token)) {}
  virtual void Run() = 0;
  virtual napi_value Result(napi_env env) = 0;

  Token token_;

 private:
  struct Control {
    std::mutex mu;
    napi_threadsafe_function tsfn = nullptr;
    bool alive = true;  // false once the thread-safe function is finalized (environment gone)
    std::unique_ptr<AsyncJob> job;
  };

  static void Work(const std::shared_ptr<Control>& control) noexcept {
    AsyncJob& job = *control->job;
    bool alive;
    {
      std::lock_guard<std::mutex> lock(control->mu);
      alive = control->alive;
    }
    // A job cancelled, or orphaned by its environment, while it waited in the queue does no
    // work at all (a matrix would still allocate its whole result), so the jobs queued behind
    // it, other environments' too, do not wait for it.
    if (alive && !job.token_->load()) {
      try {
        job.Run();
      } catch (...) {
        job.error_ = std::current_exception();
      }
    }
    std::lock_guard<std::mutex> lock(control->mu);
    if (!control->alive) return;
    // napi_closing when the environment is shutting down: then no one is waiting for the
    // result, and the call has given up this thread's share of the thread-safe function
    // already. Node-API's rule: after anything but napi_ok, the function is not to be used.
    if (napi_call_threadsafe_function(control->tsfn, control.get(), napi_tsfn_nonblocking) == napi_ok) {
      napi_release_threadsafe_function(control->tsfn, napi_tsfn_release);
    }
  }

  // On the JS thread. Called with env == nullptr for calls still queued when the environment
  // shuts down: then `data` may be gone already, and there is nothing to settle.
  static void CallJs(napi_env env, napi_value, void*, void* data) noexcept {
    if (env == nullptr || data == nullptr) return;
    AsyncJob& job = *static_cast<Control*>(data)->job;
    job.state_->remove(job.token_);
    job.Settle(env);
  }

  // On the JS thread, when the thread-safe function goes: after CallJs, or at shutdown.
  static void Finalize(napi_env, void* data, void*) noexcept {
    auto* owner = static_cast<std::shared_ptr<Control>*>(data);
    {
      std::lock_guard<std::mutex> lock((*owner)->mu);
      (*owner)->alive = false;
    }
    AsyncJob& job = *(*owner)->job;
    job.state_->remove(job.token_);
    delete owner;
  }

  void Settle(napi_env env) noexcept {
    napi_handle_scope scope = nullptr;
    if (napi_open_handle_scope(env, &scope) != napi_ok) scope = nullptr;
    napi_value value = nullptr;
    bool ok = false;
    if (error_) {
      value = MakeError(env, Classify(error_));
    } else if (token_->load()) {
      value = MakeError(env, {Kind::Plain, code::kNative, "aborted"});
    } else {
      try {
        value = Result(env);
        ok = true;
      } catch (...) {
        value = MakeError(env, Classify(std::current_exception()));
      }
      bool pending = false;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
        ok = false;
        if (napi_get_and_clear_last_exception(env, &value) != napi_ok) value = nullptr;
      }
    }
    // Statuses are not checked: in an environment that is shutting down there is no one to tell.
    if (value) ok ? napi_resolve_deferred(env, deferred_, value) : napi_reject_deferred(env, deferred_, value);
    if (scope) napi_close_handle_scope(env, scope);
  }

  std::shared_ptr<EnvState> state_;
  napi_deferred deferred_ = nullptr;
  std::exception_ptr error_;
};

// ---- exports -----------------------------------------------------------------------------

// Every Napi-style export: a raw Node-API callback whose whole body (arguments included) runs
// inside Guard().
template <napi_value (*Body)(const Args&)>
napi_value Export(napi_env env, napi_callback_info info) {
  return Guard(env, [&] { return Body(Args(env, info)); });
}

// `name` must be a string literal: it is the function's data, for error messages.
inline void SetFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  Check(napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, const_cast<char*>(name), &fn));
  SetNamed(env, exports, name, fn);
}

// A pairwise export's context, one per function per environment (each worker_thread that
// loads the addon has its own), passed as the function's data: the call finds its name and its
// buffers in the one napi_get_cb_info it makes anyway, with no thread-local or instance-data
// lookup. The buffers hold strings too long for the stack buffers (binding.cc Pairwise).
struct PairContext {
  const char* fn;
  std::vector<char16_t> units_a, units_b;
  std::vector<uint32_t> points_a, points_b;
  // The one-word pattern vector of the kernels (empty between calls).
  strdist::detail::PatternMatchVector pattern;
};

// Exports a pairwise callback with a fresh PairContext, deleted with the function (at the
// latest when the environment shuts down).
inline void SetPairFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  auto ctx = std::make_unique<PairContext>();
  ctx->fn = name;
  napi_value fn;
  Check(napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, ctx.get(), &fn));
  Check(napi_add_finalizer(
      env, fn, ctx.get(), [](napi_env, void* p, void*) { delete static_cast<PairContext*>(p); }, nullptr, nullptr));
  ctx.release();  // the finalizer owns it now
  SetNamed(env, exports, name, fn);
}

void InitSearch(napi_env env, napi_value exports);
void InitJoin(napi_env env, napi_value exports);  // join_worker.cc

}  // namespace strdist_addon
