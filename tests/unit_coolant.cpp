#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "solver/physics/coolant.hpp"

using kelvin::check_coolant_temperature;
using kelvin::CoolantError;
using kelvin::CoolantProperties;
using kelvin::make_coolant;
using kelvin::parse_coolant;

// Kernels take the properties by value: a plain copy to the device must carry all of them.
static_assert(std::is_trivially_copyable_v<CoolantProperties>);
static_assert(std::is_standard_layout_v<CoolantProperties>);

namespace {

constexpr double kC = 273.15;  // 0 degC in K

double rel_err(double got, double want) { return std::abs(got / want - 1.0); }

/// The message of the CoolantError that f() throws, or "" if it throws none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const CoolantError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Every member equal (memcmp would also compare padding bytes).
bool same_coolant(const CoolantProperties& a, const CoolantProperties& b) {
  const auto eq = [](const double* x, const double* y) {
    return std::equal(x, x + kelvin::kCoolantTerms, y);
  };
  return eq(a.rho_coeffs, b.rho_coeffs) && eq(a.cp_coeffs, b.cp_coeffs) &&
         eq(a.k_coeffs, b.k_coeffs) && eq(a.ln_mu_coeffs, b.ln_mu_coeffs) &&
         a.t_base_K == b.t_base_K && a.t_min_K == b.t_min_K && a.t_max_K == b.t_max_K &&
         a.mass_fraction == b.mass_fraction && a.fluid == b.fluid &&
         std::strcmp(a.name, b.name) == 0;
}

struct CsvRow {
  std::string fluid;
  double mass_fraction, T_K, rho, cp, k, mu;
};

/// tests/data/coolprop_coolants.csv, written by tests/oracles/coolprop_coolants.py.
std::vector<CsvRow> read_coolprop_csv() {
  const std::string path = std::string(KELVIN_SOURCE_DIR) + "/tests/data/coolprop_coolants.csv";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "fluid,mass_fraction,T_K,rho,cp,k,mu");
  std::vector<CsvRow> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream s(line);
    CsvRow r;
    std::string cell;
    std::getline(s, r.fluid, ',');
    double* fields[] = {&r.mass_fraction, &r.T_K, &r.rho, &r.cp, &r.k, &r.mu};
    for (double* f : fields) {
      std::getline(s, cell, ',');
      *f = std::stod(cell);
    }
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

// ---- (a) the Coolants table of shared/data/REFERENCE.md ----------------------------------

TEST(Coolant, MatchesReferenceTable) {
  // shared/data/REFERENCE.md, "Coolants" (Melinder 2010 as in CoolProp INCOMP::MPG; water
  // IAPWS-based): T degC, rho kg/m^3, cp J/kg/K, k W/m/K, mu mPa s. The table gives 4 significant
  // digits, so 0.5 % is rounding plus the water fit's 0.06 %, with margin.
  struct Row {
    double T_C, rho, cp, k, mu_mPas;
  };
  const Row water[] = {{20, 998.2, 4182, 0.598, 1.002},
                       {30, 995.6, 4178, 0.615, 0.798},
                       {40, 992.2, 4178, 0.629, 0.653},
                       {50, 988.0, 4181, 0.641, 0.547},
                       {60, 983.2, 4185, 0.652, 0.467}};
  const Row pg25[] = {{20, 1019.3, 3920, 0.468, 2.445},
                      {30, 1014.9, 3945, 0.477, 1.776},
                      {40, 1009.9, 3969, 0.486, 1.353},
                      {50, 1004.4, 3992, 0.495, 1.073},
                      {60, 998.4, 4016, 0.503, 0.878}};
  const std::pair<CoolantProperties, const Row*> cases[] = {
      {make_coolant("water", 0.0), water}, {make_coolant("propylene_glycol", 0.25), pg25}};
  double worst[4] = {0, 0, 0, 0};
  for (const auto& [c, rows] : cases) {
    for (int n = 0; n < 5; ++n) {
      const Row& r = rows[n];
      const double T = r.T_C + kC;
      const double e[4] = {rel_err(c.density(T), r.rho), rel_err(c.specific_heat(T), r.cp),
                           rel_err(c.conductivity(T), r.k),
                           rel_err(c.viscosity(T), r.mu_mPas * 1e-3)};
      const char* names[4] = {"rho", "cp", "k", "mu"};
      for (int p = 0; p < 4; ++p) {
        EXPECT_LT(e[p], 5e-3) << c.name << " " << names[p] << " at " << r.T_C << " degC";
        worst[p] = std::max(worst[p], e[p]);
      }
    }
  }
  std::printf("worst relative error vs REFERENCE.md: rho %.2e, cp %.2e, k %.2e, mu %.2e\n",
              worst[0], worst[1], worst[2], worst[3]);
}

// ---- (b) CoolProp, every row of tests/data/coolprop_coolants.csv -------------------------

TEST(Coolant, MatchesCoolPropTable) {
  const auto rows = read_coolprop_csv();
  ASSERT_GE(rows.size(), 90u);
  const char* names[4] = {"rho", "cp", "k", "mu"};
  std::map<std::string, double> worst;  // fluid/property -> worst relative error
  for (const auto& r : rows) {
    const CoolantProperties c = make_coolant(r.fluid, r.mass_fraction);
    ASSERT_TRUE(c.contains(r.T_K)) << r.fluid << " " << r.mass_fraction << " at " << r.T_K;
    const double e[4] = {rel_err(c.density(r.T_K), r.rho), rel_err(c.specific_heat(r.T_K), r.cp),
                         rel_err(c.conductivity(r.T_K), r.k), rel_err(c.viscosity(r.T_K), r.mu)};
    for (int p = 0; p < 4; ++p) {
      EXPECT_LT(e[p], 5e-3) << c.name << " " << names[p] << " at " << r.T_K << " K";
      double& w = worst[std::string(r.fluid == "water" ? "water" : "glycol") + "_" + names[p]];
      w = std::max(w, e[p]);
      double& all = worst[std::string("all_") + names[p]];
      all = std::max(all, e[p]);
    }
  }
  // Tighter, per source. The glycols use CoolProp's own correlation: only CoolProp's 7-digit
  // rounding of the viscosity constant (2.8e-7) separates them. Water is a degree-5 fit to
  // IAPWS whose largest error over 0 .. 100 degC is 6.4e-4 (viscosity near 0 degC).
  for (const char* p : names) {
    EXPECT_LT(worst[std::string("glycol_") + p], 1e-6) << p;
    EXPECT_LT(worst[std::string("water_") + p], 1e-3) << p;
  }
  std::printf("worst relative error vs CoolProp (%zu rows):", rows.size());
  for (const char* p : names) {
    const double w = worst[std::string("all_") + p];
    std::printf(" %s %.2e", p, w);
    char text[32];
    std::snprintf(text, sizeof text, "%.3e", w);
    RecordProperty(std::string("worst_rel_err_") + p, text);
  }
  std::printf("\n");
}

TEST(Coolant, RangesMatchCoolProp) {
  // CoolProp INCOMP::MPG[0.25] T_freeze = 263.3645521 K, i.e. REFERENCE.md's -9.8 degC; Tmax
  // 373.15 K for both glycols.
  const auto pg25 = make_coolant("PG", 0.25);
  EXPECT_NEAR(pg25.t_min_K, 263.3645521037517, 1e-9);
  EXPECT_DOUBLE_EQ(pg25.t_max_K, 373.15);
  EXPECT_NEAR(make_coolant("EG", 0.3).t_min_K, 258.57422213921586, 1e-9);
  const auto water = make_coolant("water", 0.0);
  EXPECT_DOUBLE_EQ(water.t_min_K, 273.15);
  EXPECT_DOUBLE_EQ(water.t_max_K, 373.15);
}

// ---- (c) physics a person can check ------------------------------------------------------

TEST(Coolant, WaterViscosityHalvesFrom20To50Celsius) {
  const auto w = make_coolant("water", 0.0);
  const double ratio = w.viscosity(50 + kC) / w.viscosity(20 + kC);  // IAPWS: 0.5457
  EXPECT_GT(ratio, 0.5);
  EXPECT_LT(ratio, 0.56);
}

TEST(Coolant, GlycolIsDenserMoreViscousAndConductsWorseThanWater) {
  const double T = 40 + kC;
  const auto w = make_coolant("water", 0.0);
  const auto pg = make_coolant("PG", 0.3), eg = make_coolant("EG", 0.3);
  for (const auto& g : {pg, eg}) {
    EXPECT_GT(g.density(T), w.density(T)) << g.name;
    EXPECT_LT(g.specific_heat(T), w.specific_heat(T)) << g.name;
    EXPECT_LT(g.conductivity(T), w.conductivity(T)) << g.name;
    EXPECT_GT(g.viscosity(T), 1.5 * w.viscosity(T)) << g.name;
  }
}

TEST(Coolant, PrandtlIsCpMuOverK) {
  const auto c = make_coolant("EG", 0.5);
  const double T = 300.0;
  EXPECT_DOUBLE_EQ(c.prandtl(T), c.specific_heat(T) * c.viscosity(T) / c.conductivity(T));
  // Water at 20 degC: Pr = 7.0 (IAPWS: 4184 * 1.0016e-3 / 0.5981).
  EXPECT_NEAR(make_coolant("water", 0.0).prandtl(20 + kC), 7.006, 0.01);
}

// ---- names ---------------------------------------------------------------------------

TEST(Coolant, ParsesNamesAndShorthands) {
  EXPECT_EQ(parse_coolant("water").fluid, "water");
  EXPECT_FALSE(parse_coolant("Water").mass_fraction);
  EXPECT_EQ(parse_coolant("PG25").fluid, "propylene_glycol");
  EXPECT_DOUBLE_EQ(*parse_coolant("PG25").mass_fraction, 0.25);
  EXPECT_DOUBLE_EQ(*parse_coolant("mpg 27.5 %").mass_fraction, 0.275);
  EXPECT_DOUBLE_EQ(*parse_coolant(" EG-30% ").mass_fraction, 0.30);
  EXPECT_EQ(parse_coolant("MEG30").fluid, "ethylene_glycol");
  EXPECT_EQ(parse_coolant("Propylene glycol").fluid, "propylene_glycol");
  EXPECT_FALSE(parse_coolant("propylene_glycol").mass_fraction);
  EXPECT_EQ(parse_coolant("ethylene-glycol 40").fluid, "ethylene_glycol");
}

TEST(Coolant, AliasesBuildTheSameCoolant) {
  const auto a = make_coolant("propylene_glycol", 0.25);
  const auto b = make_coolant("MPG", 0.25);
  const auto c = make_coolant(parse_coolant("PG25"));
  EXPECT_TRUE(same_coolant(a, b));
  EXPECT_TRUE(same_coolant(a, c));
  EXPECT_FALSE(same_coolant(a, make_coolant("PG", 0.3)));
  EXPECT_STREQ(a.name, "PG25");
  EXPECT_STREQ(make_coolant(parse_coolant("EG27.5")).name, "EG27.5");
  EXPECT_STREQ(make_coolant(parse_coolant("water")).name, "water");
}

TEST(Coolant, DescribesItself) {
  EXPECT_EQ(kelvin::describe(make_coolant("PG", 0.25)),
            "propylene glycol 25 % by mass (Melinder 2010), -9.8 .. 100 degC");
  EXPECT_EQ(kelvin::describe(make_coolant("EG", 0.3)),
            "ethylene glycol 30 % by mass (Melinder 2010), -14.6 .. 100 degC");
  EXPECT_EQ(kelvin::describe(make_coolant("water", 0.0)), "water (IAPWS fit), 0 .. 100 degC");
}

// ---- (d) input errors: one line naming the value and the valid range --------------------

TEST(Coolant, UnknownFluidIsAnError) {
  const auto msg = error_of([] { make_coolant("glycerol", 0.2); });
  EXPECT_TRUE(contains(msg, "\"glycerol\"")) << msg;
  EXPECT_TRUE(contains(msg, "water, propylene_glycol (PG, MPG), ethylene_glycol (EG, MEG)")) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_TRUE(contains(error_of([] { parse_coolant("XG25"); }), "\"XG25\""));
  EXPECT_TRUE(contains(error_of([] { parse_coolant("25"); }), "valid fluids"));
  EXPECT_TRUE(contains(error_of([] { parse_coolant("PG2.5.1"); }), "\"PG2.5.1\""));
  // A shorthand is text for parse_coolant, not a fluid name.
  EXPECT_TRUE(contains(error_of([] { make_coolant("PG25", 0.25); }), "\"PG25\""));
}

TEST(Coolant, MassFractionOutOfRangeIsAnError) {
  auto msg = error_of([] { make_coolant("propylene_glycol", 0.7); });
  EXPECT_TRUE(contains(msg, "mass fraction 0.7 of propylene glycol")) << msg;
  EXPECT_TRUE(contains(msg, "valid range 0 .. 0.6")) << msg;
  msg = error_of([] { make_coolant(parse_coolant("EG65")); });
  EXPECT_TRUE(contains(msg, "mass fraction 0.65 of ethylene glycol")) << msg;
  EXPECT_TRUE(contains(msg, "valid range 0 .. 0.6")) << msg;
  msg = error_of([] { make_coolant("EG", -0.1); });
  EXPECT_TRUE(contains(msg, "-0.1")) << msg;
  msg = error_of([] { make_coolant("PG", std::numeric_limits<double>::quiet_NaN()); });
  EXPECT_TRUE(contains(msg, "nan")) << msg;
  msg = error_of([] { make_coolant("water", 0.25); });
  EXPECT_TRUE(contains(msg, "mass fraction 0.25 of water")) << msg;
  EXPECT_TRUE(contains(msg, "valid range 0 .. 0")) << msg;
  msg = error_of([] { make_coolant(parse_coolant("PG")); });
  EXPECT_TRUE(contains(msg, "needs a mass fraction")) << msg;
  // The ends of the range are valid.
  EXPECT_NO_THROW(make_coolant("PG", 0.0));
  EXPECT_NO_THROW(make_coolant("EG", 0.6));
}

TEST(Coolant, TemperatureOutsideRangeIsAnError) {
  const auto pg25 = make_coolant(parse_coolant("PG25"));
  auto msg = error_of([&] { check_coolant_temperature(pg25, 150 + kC, "inlet temperature"); });
  EXPECT_TRUE(contains(msg,
                       "inlet temperature 150.0 degC (423.15 K) is outside the valid range "
                       "-9.8 .. 100 degC of PG25 (propylene glycol 25 % by mass)"))
      << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  msg = error_of([&] { check_coolant_temperature(pg25, -20 + kC, "outlet temperature"); });
  EXPECT_TRUE(contains(msg, "outlet temperature -20.0 degC")) << msg;
  EXPECT_TRUE(contains(msg, "-9.8 .. 100 degC")) << msg;
  EXPECT_TRUE(contains(msg, "freezing point")) << msg;
  // Just below freezing (-9.7854 degC): enough decimals that value and limit differ.
  msg = error_of([&] { check_coolant_temperature(pg25, pg25.t_min_K - 1e-3, "T"); });
  EXPECT_TRUE(contains(msg, "-9.786 degC")) << msg;
  EXPECT_TRUE(contains(msg, "-9.785 .. 100 degC")) << msg;
  msg = error_of([&] { check_coolant_temperature(pg25, std::nan(""), "T"); });
  EXPECT_TRUE(contains(msg, "nan")) << msg;
  const auto water = make_coolant("water", 0.0);
  msg = error_of([&] { check_coolant_temperature(water, -1 + kC, "T"); });
  EXPECT_TRUE(contains(msg, "-1.0 degC")) << msg;
  EXPECT_TRUE(contains(msg, "0 .. 100 degC of water")) << msg;
  // Inside, and exactly at the ends, is fine.
  EXPECT_NO_THROW(check_coolant_temperature(pg25, 40 + kC, "T"));
  EXPECT_NO_THROW(check_coolant_temperature(pg25, pg25.t_min_K, "T"));
  EXPECT_NO_THROW(check_coolant_temperature(pg25, pg25.t_max_K, "T"));
  EXPECT_FALSE(pg25.contains(std::nan("")));
}

// ---- (e) usable in kernels ------------------------------------------------------------

TEST(Coolant, CopiesAsPlainBytes) {
  const auto a = make_coolant("EG", 0.5);
  CoolantProperties b;
  std::memcpy(&b, &a, sizeof a);  // what a host-to-device copy does
  EXPECT_EQ(b.viscosity(290.0), a.viscosity(290.0));
  EXPECT_STREQ(b.name, "EG50");
}
