#include "solver/sweep/design.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "solver/sweep/quantity_text.hpp"

namespace kelvin {

namespace {

Diagnostic at(const SweepSpec& s, const SweepParameter& p, const std::string& message) {
  return {s.file, p.line, p.column, message};
}

std::vector<Assignment> grid(const SweepSpec& s) {
  std::vector<Assignment> out;
  std::vector<std::size_t> digit(s.parameters.size(), 0);
  while (true) {
    Assignment a;
    for (std::size_t j = 0; j < digit.size(); ++j)
      a.emplace_back(s.parameters[j].key, s.parameters[j].values[digit[j]]);
    out.push_back(std::move(a));
    // Odometer: the last parameter turns fastest.
    std::size_t j = digit.size();
    while (j > 0 && ++digit[j - 1] == s.parameters[j - 1].values.size()) digit[--j] = 0;
    if (j == 0) return out;
  }
}

std::vector<Assignment> zip(const SweepSpec& s) {
  const std::size_t n = s.parameters.front().values.size();
  std::vector<Diagnostic> bad;
  for (const auto& p : s.parameters)
    if (p.values.size() != n)
      bad.push_back(at(s, p,
                       "design zip: \"" + p.key + "\" has " + std::to_string(p.values.size()) +
                           " values, \"" + s.parameters.front().key + "\" has " +
                           std::to_string(n) + " (zipped lists must have equal lengths)"));
  if (!bad.empty()) throw SweepError(bad);
  std::vector<Assignment> out(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& p : s.parameters) out[i].emplace_back(p.key, p.values[i]);
  return out;
}

std::vector<Assignment> lhs(const SweepSpec& s) {
  const auto t = latin_hypercube(s.parameters.size(), s.samples, s.seed);
  std::vector<Assignment> out(static_cast<std::size_t>(s.samples));
  for (std::size_t j = 0; j < s.parameters.size(); ++j) {
    const SweepParameter& p = s.parameters[j];
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::string v;
      if (p.uniform) {
        // Eight digits: a value written back lands in the stratum it was drawn in.
        v = format_quantity(p.uniform->from + t[j][i] * (p.uniform->to - p.uniform->from),
                            p.uniform->unit, 8);
      } else {
        const std::size_t m = p.values.size();
        v = p.values[std::min(m - 1, static_cast<std::size_t>(t[j][i] * static_cast<double>(m)))];
      }
      out[i].emplace_back(p.key, v);
    }
  }
  return out;
}

/// Whether two value texts are the same quantity (same SI value, or the same text).
bool same_value(const std::string& a, const std::string& b) {
  if (normalize_value_text(a) == normalize_value_text(b)) return true;
  const auto x = to_si_any(a), y = to_si_any(b);
  return x && y && x->unit == y->unit &&
         std::abs(x->value - y->value) <= 1e-12 * std::max(std::abs(x->value), 1.0);
}

std::vector<Assignment> one_at_a_time(const SweepSpec& s,
                                      const std::vector<std::optional<std::string>>& base) {
  std::vector<Diagnostic> bad;
  Assignment centre;
  for (std::size_t j = 0; j < s.parameters.size(); ++j) {
    const auto& p = s.parameters[j];
    if (j >= base.size() || !base[j])
      bad.push_back(at(s, p,
                       "design oat: the base case has no value at \"" + p.key +
                           "\" to sweep around (set it in the base case)"));
    else
      centre.emplace_back(p.key, normalize_value_text(*base[j]));
  }
  if (!bad.empty()) throw SweepError(bad);
  std::vector<Assignment> out{centre};
  for (std::size_t j = 0; j < s.parameters.size(); ++j)
    for (const auto& v : s.parameters[j].values) {
      if (same_value(v, centre[j].second)) continue;
      out.push_back(centre);
      out.back()[j].second = v;
    }
  return out;
}

}  // namespace

std::vector<std::vector<double>> latin_hypercube(std::size_t parameters, int samples,
                                                 std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto uniform01 = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const std::size_t n = static_cast<std::size_t>(samples);
  std::vector<std::vector<double>> t(parameters, std::vector<double>(n));
  for (std::size_t j = 0; j < parameters; ++j) {
    std::vector<std::size_t> stratum(n);
    std::iota(stratum.begin(), stratum.end(), 0);
    for (std::size_t i = n; i > 1; --i)
      std::swap(stratum[i - 1], stratum[rng() % i]);  // Fisher-Yates
    for (std::size_t i = 0; i < n; ++i)
      t[j][i] = (static_cast<double>(stratum[i]) + uniform01()) / static_cast<double>(n);
  }
  return t;
}

std::vector<SweepPoint> expand_design(const SweepSpec& s,
                                      const std::vector<std::optional<std::string>>& base_values) {
  if (s.parameters.empty()) return {};
  std::vector<Assignment> all;
  switch (s.design) {
    case SweepDesign::Grid:
      all = grid(s);
      break;
    case SweepDesign::Zip:
      all = zip(s);
      break;
    case SweepDesign::LatinHypercube:
      all = lhs(s);
      break;
    case SweepDesign::OneAtATime:
      all = one_at_a_time(s, base_values);
      break;
  }
  std::vector<SweepPoint> points;
  std::set<std::string> seen;
  for (auto& a : all) {
    SweepPoint p;
    p.id = point_id(a);
    if (!seen.insert(p.id).second) continue;
    p.index = static_cast<int>(points.size());
    p.values = std::move(a);
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace kelvin
