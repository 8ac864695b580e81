// Parametric sweeps (solver/sweep): designs, stable point ids, key-path substitution and the
// sweep file's error messages. Runs of real sweeps through the executable are in
// regression_sweep.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "solver/sweep/design.hpp"
#include "solver/sweep/key_path.hpp"
#include "solver/sweep/point_id.hpp"
#include "solver/sweep/quantity_text.hpp"
#include "solver/sweep/sweep_file.hpp"

namespace {

using namespace kelvin;

SweepParameter param(const std::string& key, std::vector<std::string> values) {
  SweepParameter p;
  p.key = key;
  p.values = std::move(values);
  return p;
}

SweepSpec spec(SweepDesign d, std::vector<SweepParameter> params) {
  SweepSpec s;
  s.file = "sweep.yaml";
  s.design = d;
  s.parameters = std::move(params);
  return s;
}

std::vector<Diagnostic> parse_errors(const std::string& text) {
  std::vector<Diagnostic> diags;
  parse_sweep(text, "sweep.yaml", diags);
  return diags;
}

constexpr const char* kBase = "base: " KELVIN_SOURCE_DIR "/cases/composite-wall-ci/case.yaml\n";

TEST(SweepDesign, GridHasTheProductOfTheListLengthsAndEveryCombinationOnce) {
  const auto s = spec(SweepDesign::Grid, {param("a", {"1", "2", "3"}), param("b", {"x", "y"}),
                                          param("c.d", {"1 W", "2 W"})});
  const auto pts = expand_design(s, {});
  ASSERT_EQ(pts.size(), 12u);
  std::set<std::string> combos;
  for (const auto& p : pts)
    combos.insert(p.values[0].second + p.values[1].second + p.values[2].second);
  EXPECT_EQ(combos.size(), 12u);
  for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].index, static_cast<int>(i));
}

TEST(SweepDesign, ZipPairsTheIthValuesAndRefusesUnequalLengths) {
  const auto pts =
      expand_design(spec(SweepDesign::Zip, {param("a", {"1", "2"}), param("b", {"x", "y"})}), {});
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[1].values[0].second, "2");
  EXPECT_EQ(pts[1].values[1].second, "y");

  auto bad = spec(SweepDesign::Zip, {param("a", {"1", "2"}), param("b", {"x", "y", "z"})});
  bad.parameters[1].line = 7;
  try {
    expand_design(bad, {});
    FAIL() << "zip of lists of 2 and 3 values was accepted";
  } catch (const SweepError& e) {
    ASSERT_EQ(e.diagnostics.size(), 1u);
    EXPECT_EQ(e.diagnostics[0].line, 7);
    EXPECT_NE(e.diagnostics[0].message.find("equal lengths"), std::string::npos);
  }
}

TEST(SweepDesign, LatinHypercubeHitsEachStratumOfEachParameterOnce) {
  auto s = spec(SweepDesign::LatinHypercube,
                {param("a", {}), param("b", {}), param("c", {"1", "2", "3", "4", "5"})});
  s.samples = 5, s.seed = 7;
  s.parameters[0].uniform = UniformRange{500, 700, "W"};
  s.parameters[1].uniform = UniformRange{30, 45, "degC"};
  const auto pts = expand_design(s, {});
  ASSERT_EQ(pts.size(), 5u);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& r = *s.parameters[j].uniform;
    std::set<int> strata;
    for (const auto& p : pts) {
      const auto q = split_quantity(p.values[j].second);
      ASSERT_TRUE(q) << p.values[j].second;
      EXPECT_EQ(q->unit, r.unit);
      strata.insert(static_cast<int>(std::floor((q->number - r.from) / (r.to - r.from) * 5)));
    }
    EXPECT_EQ(strata, (std::set<int>{0, 1, 2, 3, 4})) << s.parameters[j].key;
  }
  std::set<std::string> listed;  // a list of 5 values over 5 strata: each value once
  for (const auto& p : pts) listed.insert(p.values[2].second);
  EXPECT_EQ(listed.size(), 5u);
}

TEST(SweepDesign, LatinHypercubeSameSeedSamePointsOtherSeedOtherPoints) {
  auto s = spec(SweepDesign::LatinHypercube, {param("a", {}), param("b", {})});
  s.samples = 8, s.seed = 7;
  s.parameters[0].uniform = UniformRange{0, 1, ""};
  s.parameters[1].uniform = UniformRange{1, 2, "L/min"};
  const auto first = expand_design(s, {}), again = expand_design(s, {});
  ASSERT_EQ(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].id, again[i].id);
  s.seed = 8;
  EXPECT_NE(expand_design(s, {})[0].id, first[0].id);
  // The random numbers are the sweep's own (std::mt19937_64's sequence is fixed by the
  // standard, the mapping to [0, 1) and to permutations is Kelvin's): pinned, so that a change
  // of either shows. Strata 1, 2, 0, 3 of 4.
  const auto t = latin_hypercube(1, 4, 7);
  const std::vector<double> pinned{0.4729782941781191, 0.53531789080094672, 0.013773289625985757,
                                   0.95813074513286145};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(t[0][i], pinned[i]);
}

TEST(SweepDesign, OneAtATimeIsTheBasePlusEachOtherValueOfEachParameter) {
  const auto s =
      spec(SweepDesign::OneAtATime, {param("a", {"1", "2", "3"}), param("b", {"10 W", "20 W"}),
                                     param("c", {"5 degC", "6 degC", "7 degC", "8 degC"})});
  // The base values are among the lists (b's written in other units): 1 + 2 + 1 + 3 points.
  const auto pts =
      expand_design(s, {std::string("2"), std::string("0.01 kW"), std::string("5 degC")});
  ASSERT_EQ(pts.size(), 1u + 2u + 1u + 3u);
  EXPECT_EQ(pts[0].values[0].second, "2");
  for (std::size_t i = 1; i < pts.size(); ++i) {
    int changed = 0;
    for (std::size_t j = 0; j < 3; ++j)
      changed += pts[i].values[j].second != pts[0].values[j].second;
    EXPECT_EQ(changed, 1) << "point " << i;
  }
  EXPECT_THROW(expand_design(s, {std::string("2"), std::nullopt, std::string("5 degC")}),
               SweepError);
}

TEST(SweepIds, SamePointSameIdWhateverTheDesignOrOrder) {
  const Assignment ab{{"a", "1 L/min"}, {"b", "30 degC"}}, ba{{"b", "30 degC"}, {"a", "1  L/min"}};
  EXPECT_EQ(point_id(ab), point_id(ba));
  EXPECT_EQ(point_id(ab).size(), 12u);
  EXPECT_NE(point_id(ab), point_id({{"a", "1.5 L/min"}, {"b", "30 degC"}}));
  EXPECT_NE(point_id(ab), point_id({{"a", "30 degC"}, {"b", "1 L/min"}}));

  const auto grid =
      expand_design(spec(SweepDesign::Grid, {param("a", {"1", "2"}), param("b", {"x", "y"})}), {});
  const auto zip =
      expand_design(spec(SweepDesign::Zip, {param("b", {"y", "x"}), param("a", {"2", "1"})}), {});
  std::set<std::string> grid_ids;
  for (const auto& p : grid) grid_ids.insert(p.id);
  for (const auto& p : zip)
    EXPECT_TRUE(grid_ids.count(p.id)) << p.values[0].second << p.values[1].second;
}

TEST(SweepKeyPath, SetsNestedKeysListItemsAndNewKeys) {
  YAML::Node root = YAML::Load("a: {b: {c: 1}}\nlist: [{t: 1}, {t: 2}]\n");
  set_key_path(root, "a.b.c", "2 W");
  set_key_path(root, "list[1].t", "40 degC");
  set_key_path(root, "a.new.deep", "x");
  EXPECT_EQ(get_key_path(root, "a.b.c"), "2 W");
  EXPECT_EQ(get_key_path(root, "list[1].t"), "40 degC");
  EXPECT_EQ(get_key_path(root, "list[0].t"), "1");
  EXPECT_EQ(get_key_path(root, "a.new.deep"), "x");
  YAML::Node seq = YAML::Load("v: [1, 2, 3]");
  set_key_path(seq, "v[2]", "9");
  EXPECT_EQ(get_key_path(seq, "v[2]"), "9");
}

TEST(SweepKeyPath, RefusesIndicesOutOfRangeScalarsAsParentsAndBadPaths) {
  YAML::Node root = YAML::Load("a: 1\nlist: [{t: 1}]\n");
  EXPECT_THROW(set_key_path(root, "list[1].t", "2"), KeyPathError);
  EXPECT_THROW(set_key_path(root, "a.b", "2"), KeyPathError);
  EXPECT_THROW(set_key_path(root, "a[0]", "2"), KeyPathError);
  EXPECT_THROW(set_key_path(root, "missing[0].t", "2"), KeyPathError);
  for (const char* bad : {"", "a..b", "a[x]", "a[-1]", "a[1", "a[1]b", ".a"})
    EXPECT_THROW(parse_key_path(bad), KeyPathError) << bad;
  try {
    set_key_path(root, "list[3].t", "2");
  } catch (const KeyPathError& e) {
    EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
  }
  const auto steps = parse_key_path("gpus.instances[3].inlet_temperature");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1].indices, std::vector<int>{3});
}

TEST(SweepFile, RangesExpandLinearlyInTheWrittenUnit) {
  std::vector<Diagnostic> diags;
  const auto s = parse_sweep(
      std::string(kBase) +
          "parameters:\n  - key: a.b\n    range: {from: 30 degC, to: 45 degC, count: 4}\n",
      "sweep.yaml", diags);
  ASSERT_TRUE(diags.empty()) << diags[0].to_string();
  EXPECT_EQ(s.parameters[0].values,
            (std::vector<std::string>{"30 degC", "35 degC", "40 degC", "45 degC"}));
}

TEST(SweepFile, ErrorsNameTheLineColumnAndKey) {
  struct Bad {
    std::string text;
    int line;
    std::string says;
  };
  const std::vector<Bad> cases{
      {"desgin: grid\nparameters:\n  - {key: a, values: [1]}\n", 2, "did you mean \"design\""},
      {"parameters:\n  - key: a\n    vals: [1]\n", 4, "did you mean \"values\""},
      {"parameters:\n  - key: a\n    range: {from: 1 W, to: 2 kW, count: 3}\n", 4, "same unit"},
      {"parameters:\n  - key: a\n    range: {from: 1 W, to: 2 W, count: 0}\n", 4, "whole number"},
      {"design: grid\nparameters:\n  - key: a\n    distribution: {uniform: [1, 2]}\n", 5,
       "needs design: lhs"},
      {"design: lhs\nparameters:\n  - {key: a, values: [1]}\n", 1, "samples"},
      {"parameters:\n  - key: a[x]\n    values: [1]\n", 3, "list index"},
      {"parameters:\n  - {key: a, values: [1]}\n  - {key: a, values: [2]}\n", 4, "twice"},
      {"parameters: [\n", 3, "syntax"},
  };
  for (const auto& b : cases) {
    const auto diags = parse_errors(std::string(kBase) + b.text);
    ASSERT_FALSE(diags.empty()) << b.text;
    EXPECT_EQ(diags[0].file, "sweep.yaml");
    EXPECT_EQ(diags[0].line, b.line) << b.text << "\n" << diags[0].to_string();
    EXPECT_NE(diags[0].message.find(b.says), std::string::npos) << diags[0].to_string();
  }
  const auto missing =
      parse_errors("base: no-such-case.yaml\nparameters:\n  - {key: a, values: [1]}\n");
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing[0].line, 1);
}

TEST(SweepQuantities, ConvertToSiByTheUnitsDimension) {
  EXPECT_NEAR(to_si_any("45 degC")->value, 318.15, 1e-9);
  EXPECT_NEAR(to_si_any("1.5 L/min")->value, 2.5e-5, 1e-15);
  EXPECT_NEAR(to_si_any("0.7 kW")->value, 700, 1e-9);
  EXPECT_EQ(to_si_any("0.25")->value, 0.25);
  EXPECT_FALSE(to_si_any("water"));
}

}  // namespace
