// Standalone test of the native kernels (no Node, no N-API).
//
//   native_test <metrics.jsonl> [random_pairs=200000] [seed]
//
// 1. Oracle vectors: Levenshtein exact; Jaro / Jaro-Winkler within 1e-12 of
//    the oracle and bit-identical to the naive references below.
// 2. Randomised differential test: plain, cached and naive must agree exactly
//    (== on doubles), with and without cutoffs, across alphabets and lengths.
// 3. decode_utf16 against a naive decoder; cached and pairwise calls from
//    several threads at once.
//
// Prints "native: N passed, F failed" and exits non-zero on any failure.

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "../jaro.hpp"
#include "../levenshtein.hpp"
#include "../intrinsics.hpp"
#include "../text.hpp"
#include "reference.hpp"

using strdist::CachedJaro;
using strdist::CachedJaroWinkler;
using strdist::CachedLevenshtein;
using Seq = std::vector<uint32_t>;
using strdist_test::naive_jaro;
using strdist_test::naive_jaro_winkler;
using strdist_test::naive_levenshtein;

// ---- bookkeeping ---------------------------------------------------------------

static uint64_t g_passed = 0;
static uint64_t g_failed = 0;
static std::string g_context;  // describes the current case for failure messages

static std::string describe(const Seq& s) {
  std::string out = "[" + std::to_string(s.size()) + "]";
  const size_t shown = std::min<size_t>(s.size(), 24);
  for (size_t i = 0; i < shown; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, " %X", static_cast<unsigned>(s[i]));
    out += buf;
  }
  if (shown < s.size()) out += " ...";
  return out;
}

static void report_failure(const char* what, const std::string& detail) {
  ++g_failed;
  if (g_failed <= 30)
    std::fprintf(stderr, "FAIL %s: %s\n  %s\n", what, detail.c_str(), g_context.c_str());
}

static void check_size(const char* what, size_t got, size_t want) {
  if (got == want) {
    ++g_passed;
    return;
  }
  report_failure(what, "got " + std::to_string(got) + ", want " + std::to_string(want));
}

static void check_double(const char* what, double got, double want) {
  if (got == want) {  // exact: same expression, same order, same bits
    ++g_passed;
    return;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "got %.17g, want %.17g", got, want);
  report_failure(what, buf);
}

static void check_close(const char* what, double got, double want, double tol) {
  if (std::fabs(got - want) <= tol) {
    ++g_passed;
    return;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "got %.17g, want %.17g (tolerance %g)", got, want, tol);
  report_failure(what, buf);
}

static size_t naive_decode(const std::vector<char16_t>& s, Seq& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t c = s[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
      ++i;
    }
    out.push_back(c);
  }
  return out.size();
}

// ---- JSON lines ------------------------------------------------------------------

// Appends code point c as UTF-16.
static void push_utf16(std::vector<char16_t>& out, uint32_t c) {
  if (c >= 0x10000) {
    c -= 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
  } else {
    out.push_back(static_cast<char16_t>(c));
  }
}

struct JsonReader {
  const std::string& s;
  size_t i = 0;
  bool ok = true;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  unsigned hex4() {
    if (i + 4 > s.size()) {
      ok = false;
      return 0;
    }
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s[i++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else ok = false;
    }
    return v;
  }
  // A JSON string as UTF-16 units: raw UTF-8 is decoded and re-encoded,
  // \uXXXX escapes (surrogates included) are taken as units.
  std::vector<char16_t> str() {
    std::vector<char16_t> out;
    if (!eat('"')) {
      ok = false;
      return out;
    }
    while (i < s.size() && s[i] != '"') {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '\\') {
        ++i;
        if (i >= s.size()) break;
        char e = s[i++];
        switch (e) {
          case '"': out.push_back(u'"'); break;
          case '\\': out.push_back(u'\\'); break;
          case '/': out.push_back(u'/'); break;
          case 'b': out.push_back(u'\b'); break;
          case 'f': out.push_back(u'\f'); break;
          case 'n': out.push_back(u'\n'); break;
          case 'r': out.push_back(u'\r'); break;
          case 't': out.push_back(u'\t'); break;
          case 'u': out.push_back(static_cast<char16_t>(hex4())); break;
          default: ok = false;
        }
        continue;
      }
      uint32_t cp;
      size_t extra;
      if (c < 0x80) { cp = c; extra = 0; }
      else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; extra = 1; }
      else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; extra = 2; }
      else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; extra = 3; }
      else { ok = false; return out; }
      ++i;
      for (size_t k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
          ok = false;
          return out;
        }
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
      }
      push_utf16(out, cp);
    }
    if (!eat('"')) ok = false;
    return out;
  }
  double num() {
    ws();
    const char* begin = s.c_str() + i;
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (end == begin) ok = false;
    i += static_cast<size_t>(end - begin);
    return v;
  }
};

struct Vector {
  Seq a, b;
  size_t lev = 0;
  double jaro = 0, jw = 0;
};

static Seq to_code_points(const std::vector<char16_t>& u) {
  Seq out(u.size());
  out.resize(strdist::decode_utf16(u.data(), u.size(), out.data()));
  return out;
}

static bool parse_vector(const std::string& line, Vector& v) {
  JsonReader r{line};
  if (!r.eat('{')) return false;
  bool have[5] = {false, false, false, false, false};
  do {
    std::vector<char16_t> key16 = r.str();
    std::string key(key16.begin(), key16.end());
    if (!r.eat(':')) return false;
    if (key == "a") { v.a = to_code_points(r.str()); have[0] = true; }
    else if (key == "b") { v.b = to_code_points(r.str()); have[1] = true; }
    else if (key == "levenshtein") { v.lev = static_cast<size_t>(r.num()); have[2] = true; }
    else if (key == "jaro") { v.jaro = r.num(); have[3] = true; }
    else if (key == "jaroWinkler") { v.jw = r.num(); have[4] = true; }
    else return false;
  } while (r.eat(','));
  return r.eat('}') && r.ok && have[0] && have[1] && have[2] && have[3] && have[4];
}

// ---- the checks -------------------------------------------------------------------

static size_t lev(const Seq& a, const Seq& b, size_t max = SIZE_MAX) {
  return strdist::levenshtein(a.data(), a.size(), b.data(), b.size(), max);
}

static void check_vectors(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot open vectors file %s\n", path);
    ++g_failed;
    return;
  }
  std::string line;
  size_t lineno = 0, count = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Vector v;
    g_context = std::string(path) + ":" + std::to_string(lineno);
    if (!parse_vector(line, v)) {
      report_failure("vector parse", line.substr(0, 80));
      continue;
    }
    ++count;
    g_context += " a=" + describe(v.a) + " b=" + describe(v.b);
    const Seq &a = v.a, &b = v.b;
    const double nj = naive_jaro(a, b);
    const double njw = naive_jaro_winkler(a, b, 0.1);

    check_size("vector levenshtein", lev(a, b), v.lev);
    check_size("vector levenshtein swapped", lev(b, a), v.lev);
    check_size("vector naive levenshtein", naive_levenshtein(a, b), v.lev);
    check_size("vector cached levenshtein", CachedLevenshtein(a.data(), a.size()).distance(b.data(), b.size()),
               v.lev);
    check_size("vector cached levenshtein swapped",
               CachedLevenshtein(b.data(), b.size()).distance(a.data(), a.size()), v.lev);

    const double j = strdist::jaro(a.data(), a.size(), b.data(), b.size());
    check_close("vector jaro vs oracle", j, v.jaro, 1e-12);
    check_double("vector jaro vs naive", j, nj);
    check_double("vector cached jaro", CachedJaro(a.data(), a.size()).similarity(b.data(), b.size()), nj);
    check_double("vector cached jaro swapped", CachedJaro(b.data(), b.size()).similarity(a.data(), a.size()), nj);

    const double jw = strdist::jaro_winkler(a.data(), a.size(), b.data(), b.size());
    check_close("vector jaro-winkler vs oracle", jw, v.jw, 1e-12);
    check_double("vector jaro-winkler vs naive", jw, njw);
    check_double("vector cached jaro-winkler",
                 CachedJaroWinkler(a.data(), a.size()).similarity(b.data(), b.size()), njw);
  }
  if (count == 0) report_failure("vectors", "no vectors read");
  std::printf("vectors: %zu pairs from %s\n", count, path);
}

// ---- random generation ------------------------------------------------------------

struct Rng {
  uint64_t state;
  uint64_t next() {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

enum Alphabet { kTiny, kAscii, kLatin1, kCjkSmall, kCjkWide, kAstral, kSurrogates, kMixed, kFullRange, kAlphabets };
static const char* kAlphabetNames[] = {"tiny", "ascii", "latin1", "cjk-small", "cjk-wide",
                                       "astral", "surrogates", "mixed", "full-range"};

static uint32_t random_code_point(Rng& rng, int alphabet) {
  switch (alphabet) {
    case kTiny: return 'a' + static_cast<uint32_t>(rng.below(3));
    case kAscii: return 0x20 + static_cast<uint32_t>(rng.below(95));
    case kLatin1: return static_cast<uint32_t>(rng.below(256));
    case kCjkSmall: return 0x4E00 + static_cast<uint32_t>(rng.below(12));
    case kCjkWide: return 0x4E00 + static_cast<uint32_t>(rng.below(20000));
    case kAstral:
      return rng.below(2) ? 0x1F600 + static_cast<uint32_t>(rng.below(20))
                          : 0x10000 + static_cast<uint32_t>(rng.below(0x100000));
    case kSurrogates:
      return rng.below(2) ? 0xD800 + static_cast<uint32_t>(rng.below(6))
                          : 0xD800 + static_cast<uint32_t>(rng.below(0x800));
    case kMixed: {
      // Few distinct values over all ranges: repeats, hash and table paths mixed.
      static const uint32_t pool[] = {'a', 'b', 0xE9, 0xFF, 0x100, 0x4E00, 0x4E01, 0xD800,
                                      0xDC00, 0xDFFF, 0x1F600, 0x10FFFF, 0x20, 0x7F};
      if (rng.below(4) == 0) return random_code_point(rng, static_cast<int>(rng.below(kMixed)));
      return pool[rng.below(sizeof pool / sizeof pool[0])];
    }
    default: return static_cast<uint32_t>(rng.below(0x110000));
  }
}

static size_t random_length(Rng& rng, size_t long_max) {
  const uint64_t u = rng.below(4000);
  if (u < 2200) return rng.below(21);
  if (u < 3200) return rng.below(81);
  if (u < 3800) return rng.below(301);
  if (u < 3999) {
    static const size_t edges[] = {63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257};
    size_t base = edges[rng.below(sizeof edges / sizeof edges[0])];
    return base + rng.below(3) - 1;
  }
  return rng.below(long_max + 1);
}

static Seq random_seq(Rng& rng, size_t n, int alphabet) {
  Seq s(n);
  for (auto& c : s) c = random_code_point(rng, alphabet);
  return s;
}

// b derived from a: a few random edits, or shared affixes, or a shuffle.
static Seq related_seq(Rng& rng, const Seq& a, int alphabet) {
  Seq b = a;
  switch (rng.below(5)) {
    case 0: return b;  // identical
    case 1: {  // few edits
      const size_t edits = rng.below(rng.below(2) ? 4 : 1 + a.size() / 4 + 1);
      for (size_t e = 0; e < edits; ++e) {
        const uint64_t op = rng.below(3);
        if (op == 0 && !b.empty()) b[rng.below(b.size())] = random_code_point(rng, alphabet);
        else if (op == 1 && !b.empty()) b.erase(b.begin() + static_cast<long>(rng.below(b.size())));
        else {
          const size_t at = rng.below(b.size() + 1);  // sequenced: same stream on every compiler
          b.insert(b.begin() + static_cast<long>(at), random_code_point(rng, alphabet));
        }
      }
      return b;
    }
    case 2: {  // swaps of neighbours (transpositions)
      const size_t swaps = 1 + rng.below(1 + a.size() / 3);
      for (size_t e = 0; e + 1 < b.size() && e < swaps; ++e) {
        size_t i = rng.below(b.size() - 1);
        std::swap(b[i], b[i + 1]);
      }
      return b;
    }
    case 3: {  // shared prefix and suffix around a random middle
      const size_t p = rng.below(a.size() + 1);
      const size_t s = rng.below(a.size() - p + 1);
      Seq mid = random_seq(rng, rng.below(20), alphabet);
      Seq out(a.begin(), a.begin() + static_cast<long>(p));
      out.insert(out.end(), mid.begin(), mid.end());
      out.insert(out.end(), a.end() - static_cast<long>(s), a.end());
      return out;
    }
    default: {  // a window of a, possibly shifted
      if (a.empty()) return b;
      const size_t from = rng.below(a.size());
      const size_t len = rng.below(a.size() - from + 1);
      return Seq(a.begin() + static_cast<long>(from), a.begin() + static_cast<long>(from + len));
    }
  }
}

static size_t random_max(Rng& rng, size_t d) {
  switch (rng.below(8)) {
    case 0: return d;
    case 1: return d > 0 ? d - 1 : 0;
    case 2: return d + 1;
    case 3: return rng.below(4);
    case 4: return rng.below(d + 3);
    case 5: return SIZE_MAX;
    case 6: return SIZE_MAX - 1;
    default: return rng.below(64) + d / 2;
  }
}

static double random_cutoff(Rng& rng, double score) {
  switch (rng.below(10)) {
    case 0: return score;
    case 1: return std::nextafter(score, 0.0);
    case 2: return std::nextafter(score, 2.0);
    case 3: return 0.7;
    case 4: return 0.0;
    case 5: return 1.0;
    case 6: return 1.5;
    case 7: return score - 1e-3;
    case 8: return score + 1e-3;
    default: return rng.uniform();
  }
}

static double random_prefix_weight(Rng& rng) {
  switch (rng.below(4)) {
    case 0: return 0.1;
    case 1: return 0.0;
    case 2: return 0.25;
    default: return 0.25 * rng.uniform();
  }
}

// Every variant for one pair, against the naive references. `query` caches a.
static void check_pair(Rng& rng, const Seq& a, const Seq& b, const CachedLevenshtein& qlev,
                       const CachedJaro& qjaro) {
  const size_t d = naive_levenshtein(a, b);
  const CachedLevenshtein blev(b.data(), b.size());
  check_size("levenshtein", lev(a, b), d);
  check_size("levenshtein swapped", lev(b, a), d);
  check_size("cached levenshtein", qlev.distance(b.data(), b.size()), d);
  check_size("cached levenshtein swapped", blev.distance(a.data(), a.size()), d);
  for (int r = 0; r < 3; ++r) {
    const size_t mx = random_max(rng, d);
    const size_t want = d <= mx ? d : mx + 1;
    check_size("levenshtein max", lev(a, b, mx), want);
    check_size("levenshtein max swapped", lev(b, a, mx), want);
    check_size("cached levenshtein max", qlev.distance(b.data(), b.size(), mx), want);
    check_size("cached levenshtein max swapped", blev.distance(a.data(), a.size(), mx), want);
  }
  const double lsim = (a.empty() && b.empty())
                          ? 1.0
                          : 1.0 - static_cast<double>(d) / static_cast<double>(std::max(a.size(), b.size()));
  check_double("levenshtein similarity", strdist::levenshtein_similarity(a.data(), a.size(), b.data(), b.size()),
               lsim);
  check_double("cached levenshtein similarity", qlev.similarity(b.data(), b.size()), lsim);

  // The multi-word kernels directly, for any pattern length, with dense and
  // sparse (forced) match vectors.
  if (!a.empty() && !b.empty()) {
    const size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    for (size_t budget : {size_t(0), size_t(1)}) {
      const strdist::detail::BlockPatternMatchVector pm(a.data(), a.size(), budget);
      const size_t k = std::max(diff, random_max(rng, d));
      const size_t kk = std::min(k, std::max(a.size(), b.size()));
      check_size(budget ? "block levenshtein sparse" : "block levenshtein",
                 strdist::detail::levenshtein_hyrroe2003_block(pm, a.size(), b.data(), b.size(), kk),
                 d <= kk ? d : kk + 1);
      const double nj = naive_jaro(a, b);
      check_double(budget ? "block jaro sparse" : "block jaro",
                   strdist::detail::jaro_block(pm, a.data(), a.size(), b.data(), b.size(), 0.0), nj);
      if (pm.words() == 2)
        check_size("two-word levenshtein",
                   strdist::detail::levenshtein_hyrroe2003_2words(pm, a.size(), b.data(), b.size()), d);
    }
    const strdist::detail::JaroPositions pos(a.data(), a.size());
    check_double("positions jaro", strdist::detail::jaro_positions(pos, a.data(), a.size(), b.data(), b.size(), 0.0),
                 naive_jaro(a, b));
  }

  const double nj = naive_jaro(a, b);
  check_double("naive jaro symmetric", naive_jaro(b, a), nj);
  const CachedJaro bjaro(b.data(), b.size());
  check_double("jaro", strdist::jaro(a.data(), a.size(), b.data(), b.size()), nj);
  check_double("jaro swapped", strdist::jaro(b.data(), b.size(), a.data(), a.size()), nj);
  check_double("cached jaro", qjaro.similarity(b.data(), b.size()), nj);
  check_double("cached jaro swapped", bjaro.similarity(a.data(), a.size()), nj);
  for (int r = 0; r < 3; ++r) {
    const double c = random_cutoff(rng, nj);
    const double want = nj >= c ? nj : 0.0;
    check_double("jaro cutoff", strdist::jaro(a.data(), a.size(), b.data(), b.size(), c), want);
    check_double("jaro cutoff swapped", strdist::jaro(b.data(), b.size(), a.data(), a.size(), c), want);
    check_double("cached jaro cutoff", qjaro.similarity(b.data(), b.size(), c), want);
    check_double("cached jaro cutoff swapped", bjaro.similarity(a.data(), a.size(), c), want);
  }

  const double p = random_prefix_weight(rng);
  const double njw = naive_jaro_winkler(a, b, p);
  check_double("naive jaro-winkler symmetric", naive_jaro_winkler(b, a, p), njw);
  const CachedJaroWinkler qjw(a.data(), a.size(), p);
  const CachedJaroWinkler bjw(b.data(), b.size(), p);
  check_double("jaro-winkler", strdist::jaro_winkler(a.data(), a.size(), b.data(), b.size(), p), njw);
  check_double("jaro-winkler swapped", strdist::jaro_winkler(b.data(), b.size(), a.data(), a.size(), p), njw);
  check_double("cached jaro-winkler", qjw.similarity(b.data(), b.size()), njw);
  check_double("cached jaro-winkler swapped", bjw.similarity(a.data(), a.size()), njw);
  for (int r = 0; r < 3; ++r) {
    const double c = random_cutoff(rng, njw);
    const double want = njw >= c ? njw : 0.0;
    check_double("jaro-winkler cutoff", strdist::jaro_winkler(a.data(), a.size(), b.data(), b.size(), p, c), want);
    check_double("cached jaro-winkler cutoff", qjw.similarity(b.data(), b.size(), c), want);
    check_double("cached jaro-winkler cutoff swapped", bjw.similarity(a.data(), a.size(), c), want);
  }
}

static void check_random(uint64_t pairs, uint64_t seed) {
  Rng rng{seed};
  uint64_t done = 0;
  while (done < pairs) {
    const int alphabet = static_cast<int>(rng.below(kAlphabets));
    const size_t long_max = 3000;
    const Seq a = random_seq(rng, random_length(rng, long_max), alphabet);
    const CachedLevenshtein qlev(a.data(), a.size());
    const CachedJaro qjaro(a.data(), a.size());
    // One cached query against several strings, as in a corpus scan.
    const uint64_t group = 1 + rng.below(8);
    for (uint64_t g = 0; g < group && done < pairs; ++g, ++done) {
      Seq b;
      switch (rng.below(4)) {
        case 0: b = random_seq(rng, random_length(rng, long_max), alphabet); break;
        case 1: b = random_seq(rng, a.size() + rng.below(5) - std::min<size_t>(a.size(), 2), alphabet); break;
        default: b = related_seq(rng, a, alphabet); break;
      }
      g_context = "random pair " + std::to_string(done) + " seed " + std::to_string(seed) + " alphabet " +
                  kAlphabetNames[alphabet] + "\n  a=" + describe(a) + "\n  b=" + describe(b);
      check_pair(rng, a, b, qlev, qjaro);
    }
  }
  std::printf("random: %" PRIu64 " pairs (seed %" PRIu64 ")\n", pairs, seed);
}

static void check_decode(uint64_t rounds, uint64_t seed) {
  Rng rng{seed ^ 0x5DEECE66Dull};
  for (uint64_t r = 0; r < rounds; ++r) {
    std::vector<char16_t> s(rng.below(rng.below(8) ? 40 : 400));
    const int mode = static_cast<int>(rng.below(4));
    for (auto& u : s) {
      switch (mode) {
        case 0: u = static_cast<char16_t>(rng.below(0x80)); break;              // no surrogates
        case 1: u = static_cast<char16_t>(0xD800 + rng.below(0x800)); break;   // only surrogates
        case 2: u = static_cast<char16_t>(rng.below(2) ? 0xD800 + rng.below(0x800) : rng.below(0x10000)); break;
        default: u = static_cast<char16_t>(rng.below(0x10000)); break;
      }
    }
    Seq want;
    naive_decode(s, want);
    Seq got(s.size() + 1, 0xFFFFFFFFu);  // one sentinel past the end
    const size_t n = strdist::decode_utf16(s.data(), s.size(), got.data());
    g_context = "decode round " + std::to_string(r);
    check_size("decode_utf16 length", n, want.size());
    check_size("decode_utf16 sentinel", got[s.size()], 0xFFFFFFFFu);
    got.resize(n);
    check_size("decode_utf16 content", got == want ? 1 : 0, 1);
  }
}

// Hand-picked cases: boundaries and cutoffs that the random mix may rarely hit.
static void check_fixed() {
  Rng rng{7};
  std::vector<std::pair<Seq, Seq>> cases;
  auto rep = [](uint32_t c, size_t n) { return Seq(n, c); };
  for (size_t n : {1, 2, 3, 4, 31, 32, 33, 63, 64, 65, 66, 127, 128, 129, 200, 1000}) {
    cases.push_back({rep('a', n), rep('a', n + 1)});
    cases.push_back({rep('a', n), rep('b', n)});
    cases.push_back({rep(0x1F600, n), rep(0x1F600, n)});
    Seq x = rep('a', n);
    x[n / 2] = 0xD800;
    cases.push_back({x, rep('a', n)});
    cases.push_back({Seq(), rep('z', n)});
  }
  // Many distinct large code points in a long pattern (sparse block vectors).
  for (size_t n : {200, 1000, 5000}) {
    Seq a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = 0x10000 + static_cast<uint32_t>(i * 7);
      b[i] = 0x10000 + static_cast<uint32_t>((i + (i % 5 == 0 ? 1 : 0)) * 7);
    }
    cases.push_back({a, b});
    Seq c = a;
    std::swap(c[10], c[11]);
    c.erase(c.begin() + static_cast<long>(n / 2));
    cases.push_back({a, c});
  }
  for (const auto& pr : cases) {
    g_context = "fixed a=" + describe(pr.first) + " b=" + describe(pr.second);
    const CachedLevenshtein ql(pr.first.data(), pr.first.size());
    const CachedJaro qj(pr.first.data(), pr.first.size());
    check_pair(rng, pr.first, pr.second, ql, qj);
  }
}

// Cached scorers are shared read-only between threads, and the pairwise calls
// use a per-thread pattern vector: several threads at once must give the
// single-threaded answers.
static void check_threads(uint64_t seed) {
  Rng rng{seed ^ 0xC0FFEEull};
  std::vector<Seq> words;
  for (int i = 0; i < 400; ++i) words.push_back(random_seq(rng, random_length(rng, 600), static_cast<int>(rng.below(kAlphabets))));
  const Seq short_query = random_seq(rng, 12, kTiny);
  const Seq long_query = random_seq(rng, 300, kTiny);
  struct Scorers {
    CachedLevenshtein lev;
    CachedJaro jaro;
    CachedJaroWinkler jw;
    explicit Scorers(const Seq& q)
        : lev(q.data(), q.size()), jaro(q.data(), q.size()), jw(q.data(), q.size(), 0.1) {}
  };
  const Scorers shared_short(short_query), shared_long(long_query);
  auto run = [&](std::vector<double>& out) {
    out.clear();
    for (int rep = 0; rep < 3; ++rep) {
      for (size_t i = 0; i < words.size(); ++i) {
        const Seq& w = words[i];
        const Seq& other = words[(i * 7 + 3) % words.size()];
        for (const Scorers* sc : {&shared_short, &shared_long}) {
          out.push_back(static_cast<double>(sc->lev.distance(w.data(), w.size())));
          out.push_back(static_cast<double>(sc->lev.distance(w.data(), w.size(), 5)));
          out.push_back(sc->jaro.similarity(w.data(), w.size()));
          out.push_back(sc->jw.similarity(w.data(), w.size(), 0.8));
        }
        out.push_back(static_cast<double>(lev(w, other)));
        out.push_back(strdist::jaro(w.data(), w.size(), other.data(), other.size()));
        out.push_back(strdist::jaro_winkler(w.data(), w.size(), other.data(), other.size()));
      }
    }
  };
  std::vector<double> want;
  run(want);
  std::vector<double> got[3];
  std::thread threads[3] = {std::thread(run, std::ref(got[0])), std::thread(run, std::ref(got[1])),
                            std::thread(run, std::ref(got[2]))};
  for (auto& t : threads) t.join();
  g_context = "threads";
  for (const auto& g : got) check_size("threads agree", g == want ? 1 : 0, 1);
}

// The portable CPUID reading of intrinsics.hpp (the one MSVC builds use) against GCC's and
// Clang's own detection, where both exist.
static void check_cpu_features() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const strdist::CpuFeatures& f = strdist::cpu_features();
  g_context = "cpu features";
  check_size("popcnt", f.popcnt, __builtin_cpu_supports("popcnt") != 0);
  check_size("sse4.2", f.sse42, __builtin_cpu_supports("sse4.2") != 0);
  check_size("avx2", f.avx2, __builtin_cpu_supports("avx2") != 0);
  check_size("bmi2", f.bmi2, __builtin_cpu_supports("bmi2") != 0);
  check_size("avx512f", f.avx512f, __builtin_cpu_supports("avx512f") != 0);
  check_size("avx512bw", f.avx512bw, __builtin_cpu_supports("avx512bw") != 0);
#endif
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <metrics.jsonl> [random_pairs] [seed]\n", argv[0]);
    return 2;
  }
  const uint64_t pairs = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200000;
  const uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20240601;

  check_vectors(argv[1]);
  check_cpu_features();
  check_fixed();
  check_decode(20000, seed);
  check_threads(seed);
  check_random(pairs, seed);

  std::printf("native: %" PRIu64 " passed, %" PRIu64 " failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
