// issue 12: naive references for the added metrics (full dynamic programming, written from
// the definitions), shared by native/test/metrics_extra_test.cc and the fuzz target.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace strdist_test_extra {

using Seq = std::vector<uint32_t>;

inline size_t ref_lcs(const Seq& a, const Seq& b) {
  std::vector<size_t> row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = 0;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diag + 1 : std::max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[b.size()];
}

inline size_t ref_osa(const Seq& a, const Seq& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t v = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.size()][b.size()];
}

// Lowrance-Wagner with the full matrix (row and column -1 at index 0).
inline size_t ref_damerau(const Seq& a, const Seq& b) {
  const size_t big = a.size() + b.size();
  std::vector<std::vector<size_t>> d(a.size() + 2, std::vector<size_t>(b.size() + 2, 0));
  d[0][0] = big;
  for (size_t i = 0; i <= a.size(); ++i) d[i + 1][0] = big, d[i + 1][1] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j + 1] = big, d[1][j + 1] = j;
  std::map<uint32_t, size_t> da;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t db = 0;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t k = da.count(b[j - 1]) ? da[b[j - 1]] : 0;
      const size_t l = db;
      size_t cost = 1;
      if (a[i - 1] == b[j - 1]) cost = 0, db = j;
      d[i + 1][j + 1] = std::min({d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1, d[k][l] + (i - k - 1) + 1 + (j - l - 1)});
    }
    da[a[i - 1]] = i;
  }
  return d[a.size() + 1][b.size() + 1];
}

inline uint64_t ref_weighted(const Seq& a, const Seq& b, uint64_t ins, uint64_t del, uint64_t sub) {
  std::vector<uint64_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j * ins;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i * del;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + del, cur[j - 1] + ins, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : sub)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace strdist_test_extra
