// Shared pieces of the N-API glue (binding.cc and search_worker.cc only).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "text.hpp"

namespace strdist_addon {

// Copies a JS string's UTF-16 units into `units` and returns how many there are.
inline size_t ReadUtf16(napi_env env, napi_value value, std::vector<char16_t>& units, const char* name) {
  size_t len = 0;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &len) != napi_ok) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a string");
  }
  if (units.size() < len + 1) units.resize(len + 1);
  size_t copied = 0;
  napi_get_value_string_utf16(env, value, units.data(), len + 1, &copied);
  return copied;
}

// Strings that travel as one joined string plus each one's UTF-16 length, decoded to code
// points one by one (so a surrogate pair never spans two strings).
inline std::vector<std::vector<uint32_t>> SplitCodePoints(Napi::Env env, Napi::Value joined,
                                                          Napi::Value lengths_value, const char* name) {
  std::vector<char16_t> units;
  const size_t total = ReadUtf16(env, joined, units, name);
  if (!lengths_value.IsTypedArray()) throw Napi::TypeError::New(env, std::string(name) + " lengths must be a Uint32Array");
  Napi::Uint32Array lengths = lengths_value.As<Napi::Uint32Array>();
  std::vector<std::vector<uint32_t>> out(lengths.ElementLength());
  size_t off = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t len = lengths[i];
    if (off + len > total) throw Napi::RangeError::New(env, std::string(name) + " lengths exceed the joined string");
    out[i].resize(len);
    out[i].resize(strdist::decode_utf16(units.data() + off, len, out[i].data()));
    off += len;
  }
  return out;
}

void InitSearch(Napi::Env env, Napi::Object exports);

}  // namespace strdist_addon
