// The laminar model's limits said out loud: summary.json's Reynolds numbers per port, and a
// warning naming the region once the flow passes the laminar limit.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "case_runner.hpp"
#include "small_cases.hpp"

using kelvin_test::json;
namespace fs = std::filesystem;

namespace {

json run_duct(const std::string& rate, const std::string& tag) {
  const fs::path file = fs::temp_directory_path() / ("kelvin-reynolds-" + tag + ".yaml");
  std::ofstream(file) << kelvin_test::turn_duct_case(rate);
  return kelvin_test::read_json(kelvin_test::run_case_file(file.string(), "reynolds-" + tag) /
                                "summary.json");
}

}  // namespace

// Water at 30 degC into the turn duct's 2 x 4 mm ports (D_h 2.67 mm): Re = m D_h / (mu A).
// 0.2 L/min is laminar (about 1400) and silent; 0.5 L/min is transitional (about 3500) and
// each port is named in a warning; the numbers are the hand formula's.
TEST(Reynolds, PortsPastTheLaminarLimitAreNamedInAWarning) {
  const json slow = run_duct("0.2 L/min", "slow");
  EXPECT_EQ(slow["reynolds"]["regime"], "laminar") << slow["reynolds"].dump();
  EXPECT_TRUE(slow["reynolds"]["warnings"].empty());
  for (const auto& w : slow["warnings"])
    EXPECT_EQ(w.get<std::string>().find("Reynolds"), std::string::npos) << w;

  const json fast = run_duct("0.5 L/min", "fast");
  const json re = fast["reynolds"];
  EXPECT_EQ(re["regime"], "transitional") << re.dump();
  ASSERT_EQ(re["regions"].size(), 2u);
  const double m = fast["mass_balance"]["inflow_kg_s"].get<double>();
  const double mu = re["viscosity_Pa_s"].get<double>();
  const double A = 2e-3 * 4e-3, D = 2 * 2e-3 * 4e-3 / (2e-3 + 4e-3);
  for (const auto& r : re["regions"]) {
    EXPECT_EQ(r["kind"], "port");
    EXPECT_NEAR(r["hydraulic_diameter_m"].get<double>(), D, 1e-15);
    EXPECT_NEAR(r["area_m2"].get<double>(), A, 1e-15);
    EXPECT_NEAR(r["reynolds"].get<double>(), m * D / (mu * A), 1e-8 * m * D / (mu * A));
  }
  EXPECT_GT(re["largest"].get<double>(), 2300);
  EXPECT_LT(re["largest"].get<double>(), 4000);
  // The viscosity is the outlet's (the hottest coolant, the largest Re).
  EXPECT_NEAR(re["viscosity_at_K"].get<double>(), fast["outlet_temperature_K"].get<double>(), 1e-9);
  int named = 0;
  for (const auto& w : fast["warnings"]) {
    const std::string text = w.get<std::string>();
    if (text.find("Reynolds number") == std::string::npos) continue;
    ++named;
    EXPECT_NE(text.find("is transitional (2300 to 4000)"), std::string::npos) << text;
    EXPECT_TRUE(text.find("port \"in\"") != std::string::npos ||
                text.find("port \"out\"") != std::string::npos) << text;
  }
  EXPECT_EQ(named, 2);
}

// A centre inlet splits the plate's flow into two halves flowing apart: the busiest channel is
// measured in a half (at mid-half, not at the inlet, where the x-flux is nil) and carries about
// half the end-to-end plate's channel flow; three ports and both plenums are reported.
TEST(Reynolds, CentreInletChannelsCarryHalfTheFlow) {
  std::string text = kelvin_test::read_text(kelvin_test::case_path("h100-coldplate-ci"));
  const std::string from = "layout: end_to_end";
  ASSERT_NE(text.find(from), std::string::npos);
  const fs::path file = fs::temp_directory_path() / "kelvin-reynolds-end.yaml";
  std::ofstream(file) << text;
  const json end = kelvin_test::read_json(
      kelvin_test::run_case_file(file.string(), "reynolds-end") / "summary.json")["reynolds"];
  text.replace(text.find(from), from.size(), "layout: center_inlet");
  const fs::path file2 = fs::temp_directory_path() / "kelvin-reynolds-centre.yaml";
  std::ofstream(file2) << text;
  const json centre = kelvin_test::read_json(
      kelvin_test::run_case_file(file2.string(), "reynolds-centre") / "summary.json")["reynolds"];
  ASSERT_EQ(end["regions"].size(), 5u) << end.dump();
  ASSERT_EQ(centre["regions"].size(), 6u) << centre.dump();  // inlet, two outlets, 2 plenums, channel
  const json& a = end["regions"][4];
  const json& b = centre["regions"][5];
  ASSERT_EQ(b["kind"], "channel");
  const double ratio = b["mass_flow_kg_s"].get<double>() / a["mass_flow_kg_s"].get<double>();
  RecordProperty("channel_flow_ratio", std::to_string(ratio));
  EXPECT_GT(ratio, 0.35);
  EXPECT_LT(ratio, 0.65);
  EXPECT_EQ(centre["regime"], "laminar");
}
