// User-defined coolants through whole runs: the built-in fluids entered by hand give the
// built-in answers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "case_runner.hpp"
#include "small_cases.hpp"
#include "solver/physics/coolant.hpp"

using kelvin_test::json;
namespace fs = std::filesystem;

namespace {

constexpr double kC = 273.15;
const std::string kBuiltInWater = "coolant: {fluid: water, material: coolant}\n";

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// The turn duct (water at 30 degC) with its coolant line replaced.
std::string duct_with_coolant(const std::string& coolant) {
  std::string text = kelvin_test::turn_duct_case();
  const auto at = text.find(kBuiltInWater);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, kBuiltInWater.size(), coolant);
}

json run(const std::string& text, const std::string& tag) {
  const fs::path file = fs::temp_directory_path() / ("kelvin-fluids-" + tag + ".yaml");
  std::ofstream(file) << text;
  return kelvin_test::read_json(kelvin_test::run_case_file(file.string(), "fluids-" + tag) /
                                "summary.json");
}

double rel(double a, double b) { return std::fabs(a / b - 1); }

/// Largest relative difference of the headline numbers of two runs.
double worst_difference(const json& a, const json& b) {
  double w = 0;
  for (const char* key : {"pressure_drop_Pa", "max_temperature_K", "outlet_temperature_K"})
    w = std::max(w, rel(a[key].get<double>(), b[key].get<double>()));
  return std::max(w, rel(a["thermal_resistance_K_per_W"]["junction_to_inlet"].get<double>(),
                         b["thermal_resistance_K_per_W"]["junction_to_inlet"].get<double>()));
}

}  // namespace

// Water's properties at the inlet's 30 degC, typed in as a user-defined constant-property
// fluid, against the built-in water with constant_properties: the same answer to round-off.
TEST(UserFluids, ConstantFluidReproducesBuiltInWaterToRoundOff) {
  const kelvin::CoolantProperties w = kelvin::make_coolant("water", 0);
  const double T = 30 + kC;
  const json builtin =
      run(duct_with_coolant("coolant: {fluid: water, material: coolant, constant_properties: true}\n"),
          "water");
  const json user = run(duct_with_coolant("coolant:\n  fluid: {name: my-water, density: " +
                                          g17(w.density(T)) + ", specific_heat: " +
                                          g17(w.specific_heat(T)) + ", conductivity: " +
                                          g17(w.conductivity(T)) + ", viscosity: " +
                                          g17(w.viscosity(T)) + ", valid_range: \"0 100 degC\"}\n"),
                        "my-water");
  const double d = worst_difference(builtin, user);
  RecordProperty("worst_relative_difference", g17(d));
  EXPECT_LT(d, 1e-12) << builtin.dump() << "\n" << user.dump();
  EXPECT_EQ(user["coolant"]["name"], "my-water");
  EXPECT_TRUE(user["coolant"]["constant_properties"].get<bool>());
}

// PG25 tabulated from the library every 10 K (0 .. 80 degC), temperature-dependent, against the
// built-in PG25: Melinder's correlation is a cubic in T, so the fitted table is the same fluid
// and the two runs agree to the flow's tolerance. Bar 1e-7: at the default tolerances two runs
// of the same fluid differ by round-off carried through the coupling passes, measured 6.3e-9
// to 2.4e-8 across solver versions (tightening the tolerances to 1e-7 K leaves 4.7e-9), while
// a table whose viscosity is 1e-5 too high gives 3.0e-7.
TEST(UserFluids, TableOfPG25ReproducesBuiltInPG25) {
  const kelvin::CoolantProperties pg = kelvin::make_coolant("PG", 0.25);
  std::string T = "[", rho = "[", cp = "[", k = "[", mu = "[";
  for (int r = 0; r <= 8; ++r) {
    const double t = kC + 10.0 * r;
    const std::string sep = r ? ", " : "";
    T += sep + g17(t), rho += sep + g17(pg.density(t)), cp += sep + g17(pg.specific_heat(t));
    k += sep + g17(pg.conductivity(t)), mu += sep + g17(pg.viscosity(t));
  }
  const json builtin = run(duct_with_coolant("coolant: {fluid: PG25, material: coolant}\n"), "pg25");
  const json user = run(duct_with_coolant("coolant:\n  fluid:\n    name: PG25-table\n    table:\n"
                                          "      temperature: " + T + "]\n      density: " + rho +
                                          "]\n      specific_heat: " + cp + "]\n      conductivity: " +
                                          k + "]\n      viscosity: " + mu + "]\n"),
                        "pg25-table");
  const double d = worst_difference(builtin, user);
  RecordProperty("worst_relative_difference", g17(d));
  EXPECT_LT(d, 1e-7) << builtin.dump() << "\n" << user.dump();
  EXPECT_FALSE(user["coolant"]["constant_properties"].get<bool>());
}
