// Prepared choices at the Node-API boundary (prepared.cc): handles to PackedChoices
// (multi_levenshtein.hpp; QueryScorer in multi_jaro.hpp), shared by scoreMany (binding.cc) and scoreMatrix (search_worker.cc).
#pragma once

#include <memory>
#include <vector>

#include "addon.hpp"
#include "multi_jaro.hpp"

namespace strdist_addon {

using Prepared = std::shared_ptr<const strdist::PackedChoices>;

constexpr napi_type_tag kPreparedTag = {0x7c41e2a95d3b4f18ull, 0xb62d8e0f4a917c35ull};

// True when argument i is a prepared-choices handle.
bool IsPrepared(const Args& a, size_t i);
// Argument i as a prepared-choices handle (a TypeError otherwise).
Prepared PreparedArg(const Args& a, size_t i);
// Choices given as units (a Uint16Array, or a string) and UTF-16 lengths, packed; each unit is
// read once for what is kept (the memory may be shared with other threads).
strdist::PackedChoices PackChoices(const Args& a, size_t units_at, size_t lengths_at, const char* what);
// PackChoices for one call (scoreMatrix of plain choices): packed into the memory of the last such
// packing whose call is done, which each one hands back when its last user lets it go. On the
// VMs measured here the ~550 page faults of packing 20,000 words into fresh memory cost more
// than the packing itself (~15 us each).
Prepared PackChoicesOnce(const Args& a, size_t units_at, size_t lengths_at, const char* what);
// Refuses (ThrowTooLarge) a query of q_units UTF-16 units (code points q, ql) against any
// choice over the pair-size limit that is not the query itself.
void CheckPreparedSizes(const Args& a, const strdist::PackedChoices& c, size_t q_units, const uint32_t* q, size_t ql);

// Faults in the whole pages of [data, data + bytes) for writing, in one system call (Linux; a
// no-op elsewhere or on an older kernel). For a result array the caller is about to fill: a
// fresh Float64Array of 100,000 cells is ~160 untouched pages, and on the VMs measured here
// one fault each cost ~15 us (~2.4 ms a call, four times the scoring itself); populated at
// once they cost about half of that. Contents are left as they are.
void PopulateForWrite(void* data, size_t bytes);

void InitPrepared(napi_env env, napi_value exports);

}  // namespace strdist_addon
