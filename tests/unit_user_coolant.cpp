// User-defined coolants: constants and tables become the polynomials kernels evaluate, and bad
// tables are refused with a message naming the property and the row.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "solver/physics/coolant.hpp"

using kelvin::CoolantError;
using kelvin::CoolantFluid;
using kelvin::CoolantProperties;
using kelvin::make_coolant;
using kelvin::make_user_coolant;
using kelvin::UserFluidSpec;

namespace {

constexpr double kC = 273.15;

/// PG25 from the library tabulated at `rows` temperatures from 0 to 80 degC.
UserFluidSpec pg25_table(int rows) {
  const CoolantProperties pg = make_coolant("PG", 0.25);
  UserFluidSpec s;
  s.name = "PG25-table";
  for (int r = 0; r < rows; ++r) {
    const double T = kC + 80.0 * r / (rows - 1);
    s.temperature_K.push_back(T);
    s.density.push_back(pg.density(T));
    s.specific_heat.push_back(pg.specific_heat(T));
    s.conductivity.push_back(pg.conductivity(T));
    s.viscosity.push_back(pg.viscosity(T));
  }
  return s;
}

/// A dielectric coolant of constant properties, valid from t_min_K to t_max_K.
UserFluidSpec dielectric(double t_min_K, double t_max_K) {
  UserFluidSpec s;
  s.name = "dielectric";
  s.density = {1510};
  s.specific_heat = {1183};
  s.conductivity = {0.069};
  s.viscosity = {5.8e-4};
  s.t_min_K = t_min_K;
  s.t_max_K = t_max_K;
  return s;
}

std::string error_of(const UserFluidSpec& s) {
  try {
    make_user_coolant(s);
  } catch (const CoolantError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Melinder's PG25 is a cubic in T (ln mu too): a table of it, fitted with degree-5 polynomials,
// gives back the library's fluid between the rows to round-off.
TEST(UserCoolant, TableOfTheLibrarysPG25GivesItBackBetweenTheRows) {
  const auto u = make_user_coolant(pg25_table(9));
  const CoolantProperties pg = make_coolant("PG", 0.25);
  EXPECT_EQ(u.properties.fluid, CoolantFluid::UserDefined);
  EXPECT_EQ(u.properties.table_points, 9);
  EXPECT_DOUBLE_EQ(u.properties.t_min_K, kC);
  EXPECT_DOUBLE_EQ(u.properties.t_max_K, kC + 80);
  EXPECT_LT(u.max_fit_error, 1e-12) << u.worst;
  double worst = 0;
  for (double T = kC + 2.5; T < kC + 80; T += 5) {
    worst = std::max(worst, std::fabs(u.properties.density(T) / pg.density(T) - 1));
    worst = std::max(worst, std::fabs(u.properties.specific_heat(T) / pg.specific_heat(T) - 1));
    worst = std::max(worst, std::fabs(u.properties.conductivity(T) / pg.conductivity(T) - 1));
    worst = std::max(worst, std::fabs(u.properties.viscosity(T) / pg.viscosity(T) - 1));
  }
  EXPECT_LT(worst, 1e-11);
  EXPECT_TRUE(u.properties.contains(kC + 80));
  EXPECT_FALSE(u.properties.contains(kC + 80.01));
}

// Two rows: straight lines (ln mu: an exponential) through both.
TEST(UserCoolant, TwoRowsAreInterpolatedExactly) {
  UserFluidSpec s;
  s.name = "oil";
  s.temperature_K = {kC, kC + 100};
  s.density = {860, 800};
  s.specific_heat = {1900, 2300};
  s.conductivity = {0.135, 0.125};
  s.viscosity = {40e-3, 4e-3};
  const auto u = make_user_coolant(s);
  EXPECT_NEAR(u.properties.density(kC + 50), 830, 1e-9);
  EXPECT_NEAR(u.properties.specific_heat(kC + 25), 2000, 1e-9);
  EXPECT_NEAR(u.properties.viscosity(kC + 50), std::sqrt(40e-3 * 4e-3), 1e-15);
}

// Constant properties are exactly the constants anywhere in the valid range.
TEST(UserCoolant, ConstantPropertiesAreTheConstants) {
  const UserFluidSpec s = dielectric(kC - 20, kC + 60);
  const auto u = make_user_coolant(s);
  for (double T : {kC - 20, kC + 7.5, kC + 60}) {
    EXPECT_EQ(u.properties.density(T), 1510);
    EXPECT_EQ(u.properties.specific_heat(T), 1183);
    EXPECT_EQ(u.properties.conductivity(T), 0.069);
    EXPECT_NEAR(u.properties.viscosity(T), 5.8e-4, 1e-18);
  }
  EXPECT_EQ(u.properties.table_points, 1);
  EXPECT_EQ(std::string(u.properties.name), "dielectric");
  EXPECT_NE(kelvin::describe(u.properties).find("dielectric (user-defined, constant properties), -20 .. 60 degC"),
            std::string::npos)
      << kelvin::describe(u.properties);
}

TEST(UserCoolant, RefusesWhatNoLiquidDoes) {
  UserFluidSpec s = pg25_table(5);
  s.viscosity[3] = s.viscosity[2] * 1.01;
  EXPECT_NE(error_of(s).find("viscosity must fall as temperature rises (a liquid's does)"),
            std::string::npos) << error_of(s);

  s = pg25_table(5);
  s.density[4] = s.density[0] * 1.01;
  EXPECT_NE(error_of(s).find("density must not rise with temperature"), std::string::npos)
      << error_of(s);

  s = pg25_table(5);
  s.conductivity[1] = -0.4;
  EXPECT_NE(error_of(s).find("conductivity must be positive, got -0.4 W/m/K at 20.0 degC"),
            std::string::npos) << error_of(s);

  s = pg25_table(5);
  std::swap(s.temperature_K[1], s.temperature_K[2]);
  EXPECT_NE(error_of(s).find("table temperatures must rise row by row: 20.0 degC follows 40.0 degC"),
            std::string::npos) << error_of(s);

  s = pg25_table(5);
  s.specific_heat.pop_back();
  EXPECT_NE(error_of(s).find("specific_heat has 4 values where the temperatures have 5"),
            std::string::npos) << error_of(s);
}

// A step in a column (a typo in one row of 12) cannot be fitted within 1 %: refused, naming it.
TEST(UserCoolant, RefusesATableItsPolynomialsCannotFollow) {
  UserFluidSpec s = pg25_table(12);
  s.specific_heat[6] *= 1.2;
  const std::string e = error_of(s);
  EXPECT_NE(e.find("a polynomial of degree 5 misses the table's specific_heat at 43.6 degC by"),
            std::string::npos) << e;
}

TEST(UserCoolant, ConstantPropertiesNeedARisingRange) {
  const UserFluidSpec s = dielectric(kC + 50, kC + 10);
  EXPECT_NE(error_of(s).find("valid_range must rise"), std::string::npos) << error_of(s);
}
