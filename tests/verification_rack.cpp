// The rack on its loop (kelvin run on a case with a loop: section) against answers known without
// the rack: plates that all see the same conditions give the single-plate answer, the steady
// loop's heat balance closes, the reduced plate reproduces the 3-D runs it was fitted to and two
// it was not, and reverse return evens the plate flows out better than direct return.
//
// Each TEST runs kelvin once per case it needs (ctest runs every TEST in a process of its own,
// so a shared fixture would not share): the reduced plate's 3-D fit takes a few minutes of one
// core, the rack itself well under a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "case_runner.hpp"
#include "solver/power/gpu_model.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// The steady rack case with some text replaced, written to a scratch folder as case.yaml.
fs::path rack_variant(const std::string& tag,
                      const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = kelvin_test::read_text(kelvin_test::case_path("gb200-nvl72-rack-ci"));
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  const fs::path dir = fs::temp_directory_path() / ("kelvin-rack-case-" + tag);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  return dir / "case.yaml";
}

/// R(Q) = r0 + c (Q / q_ref)^-n from a summary's reduced_plate resistance block.
double resistance(const json& law, double q_m3_s) {
  return law["r0_K_W"].get<double>() +
         law["c_K_W"].get<double>() *
             std::pow(std::abs(q_m3_s) / law["q_ref_m3_s"].get<double>(), -law["n"].get<double>());
}

double sum_gpu_power_W(const json& s) {
  double p = 0;
  for (const auto& g : s["gpus"]) p += g["power_W"].get<double>();
  return p;
}

/// CDU duty against the heat put into the loop (GPUs + switch trays); the variants have no pipe
/// heat loss, so nothing else leaves the coolant in the steady state.
double heat_balance_error(const json& s, double switch_heat_W) {
  const double in = sum_gpu_power_W(s) + switch_heat_W;
  const double duty = s["loop"]["cdu"]["duty_W"].get<double>();
  std::printf("  CDU duty %.9f W, GPUs + switch trays %.9f W, relative difference %.3e\n", duty, in,
              std::abs(duty - in) / in);
  return std::abs(duty - in) / in;
}

const std::string kNoPipeLoss = "heat_loss: 5 W/K";

}  // namespace

// One tray of four parallel plates and no switch trays: every plate hangs between the same two
// manifold nodes, so each sees the same inlet temperature, pressure difference and hence flow.
// The four GPUs must come out bitwise equal, and equal to one plate alone: the GPU model's steady
// operating point on T_j = T_in + R_j(Q) P with R_j from the summary's own reduced_plate block
// (to the operating point's Picard tolerance; see below).
// The same run checks the fit (it is the shipped -ci plate: the fit depends only on the plate,
// the CDU's supply setpoint and reduced_model.flows) and the heat balance.
TEST(RackVerification, IdenticalPlatesReproduceTheSinglePlateAnswer) {
  const fs::path file =
      rack_variant("single-tray", {{"count: 72", "count: 4"},
                                   {"trays: 18", "trays: 1"},
                                   {"switch_trays: {count: 9,", "switch_trays: {count: 0,"},
                                   {"after_tray: 10}", "after_tray: 1}"},
                                   {kNoPipeLoss, "heat_loss: 0 W/K"}});
  const fs::path out = kelvin_test::run_case_file(file.string(), "rack-single-tray");
  const json s = kelvin_test::read_json(out / "summary.json");
  ASSERT_EQ(s["gpus"].size(), 4u);
  ASSERT_TRUE(s["converged"].get<bool>());
  const json& g0 = s["gpus"][0];
  for (const auto& g : s["gpus"]) {
    std::printf("  %s: T_j %.15g K, P %.15g W, clock %.15g MHz, Q %.15g m^3/s, T_in %.15g K\n",
                g["name"].get<std::string>().c_str(), g["junction_temperature_K"].get<double>(),
                g["power_W"].get<double>(), g["clock_MHz"].get<double>(),
                g["flow_rate_m3_s"].get<double>(), g["inlet_temperature_K"].get<double>());
    for (const char* key : {"junction_temperature_K", "power_W", "clock_MHz", "flow_rate_m3_s",
                            "inlet_temperature_K"})
      EXPECT_EQ(g[key].get<double>(), g0[key].get<double>()) << g["name"] << " " << key;
  }
  for (const auto& p : s["loop"]["plates"])
    EXPECT_EQ(p["flow_m3_s"].get<double>(), s["loop"]["plates"][0]["flow_m3_s"].get<double>());

  // The single plate: T_j = T_in + R_j(Q) P, the reduced plate's steady law. Not to rounding:
  // the operating point is a Picard fixed point T = T_in + R_j P(T) stopped when a step is below
  // 1e-9 K (the rack's tolerance), and the power it reports is re-evaluated at the last iterate,
  // so T_j - (T_in + R_j P) = R_j (P(T_prev) - P(T)) is up to R_j dP/dT x 1e-9 K, with R_j dP/dT
  // of order one (measured: 1.3e-9 K). 1e-8 K bounds that with room and is 3e-11 of T_j.
  const json& fit = s["reduced_plate"];
  const double q = g0["flow_rate_m3_s"].get<double>(),
               t_in = g0["inlet_temperature_K"].get<double>();
  const double r_j = resistance(fit["junction_resistance"], q);
  const double tj = t_in + r_j * g0["power_W"].get<double>();
  std::printf(
      "  single plate: R_j(Q) %.15g K/W, T_in + R_j P = %.15g K (rack %.15g K, diff %.3e K)\n", r_j,
      tj, g0["junction_temperature_K"].get<double>(),
      g0["junction_temperature_K"].get<double>() - tj);
  EXPECT_NEAR(g0["junction_temperature_K"].get<double>(), tj, 1e-8);

  // Power and clock: the GPU model's steady operating point on that plate, called as the rack
  // calls it (cap, activity 1 of the constant workload, Picard from the inlet, 1e-9 K). The rack
  // iterates the loop's temperatures with the powers, so its last operating point was found at
  // the inlet of its previous iteration (the CDU's supply, held to its setpoint by a solve whose
  // last digits follow the load); the two agree to the Picard tolerance, not bitwise: 1e-8 K in
  // T_j as above, and 1e-9 relative in power and clock (1e-8 K moves P by well under 1e-6 W;
  // measured: 1e-8 W, 1e-11 of P).
  const kelvin::GpuModel* m = kelvin::find_gpu_model("GB200");
  ASSERT_NE(m, nullptr);
  const kelvin::OperatingPoint op = kelvin::steady_operating_point(
      *m, g0["power_limit_W"].get<double>(), 1.0, t_in, [&](double p) { return t_in + r_j * p; },
      1e-9);
  std::printf(
      "  steady_operating_point: P %.15g W (rack - it: %.3e W), clock %.15g MHz (%.3e MHz), "
      "T_j %.15g K (%.3e K)\n",
      op.power_W, g0["power_W"].get<double>() - op.power_W, op.clock_MHz,
      g0["clock_MHz"].get<double>() - op.clock_MHz, op.junction_K,
      g0["junction_temperature_K"].get<double>() - op.junction_K);
  EXPECT_TRUE(op.converged);
  EXPECT_NEAR(g0["power_W"].get<double>(), op.power_W, 1e-9 * op.power_W);
  EXPECT_NEAR(g0["clock_MHz"].get<double>(), op.clock_MHz, 1e-9 * op.clock_MHz);
  EXPECT_NEAR(g0["junction_temperature_K"].get<double>(), op.junction_K, 1e-8);

  // Heat balance: no switch trays, no pipe loss; the steady loop's duty is its plates' heat.
  EXPECT_LT(heat_balance_error(s, 0.0), 1e-9);

  // The reduced plate: fit and held-out errors as reported (the -ci plate: 0.03 % and 0.05 %;
  // 1 % and 2 % leave room for a changed mesh, not for a wrong law) ...
  const double fit_err = fit["fit_error"]["junction"].get<double>();
  const double held_err = fit["held_out_error"]["junction"].get<double>();
  std::printf(
      "  reduced plate: R_j fit error %.4f %%, held out %.4f %%, dp fit %.4f %%, held out %.4f "
      "%%\n",
      100 * fit_err, 100 * held_err, 100 * fit["fit_error"]["pressure_drop"].get<double>(),
      100 * fit["held_out_error"]["pressure_drop"].get<double>());
  EXPECT_LT(fit_err, 0.01);
  EXPECT_LT(held_err, 0.02);
  // ... and recomputed here from the runs listed in the summary: R_i = (T_j,i - T_in,i) / P_i
  // against the law; the largest relative miss must be the reported error (same formula, so to
  // rounding).
  const auto worst = [&](const json& runs) {
    double e = 0;
    for (const auto& r : runs) {
      const double measured =
          (r["junction_temperature_K"].get<double>() - r["inlet_temperature_K"].get<double>()) /
          r["power_W"].get<double>();
      e = std::max(
          e,
          std::abs(resistance(fit["junction_resistance"], r["flow_m3_s"].get<double>()) / measured -
                   1));
    }
    return e;
  };
  ASSERT_GE(fit["runs"].size(), 3u);
  ASSERT_EQ(fit["held_out_runs"].size(), 2u);
  std::printf("  recomputed from the runs: fit error %.6e, held out %.6e\n", worst(fit["runs"]),
              worst(fit["held_out_runs"]));
  EXPECT_NEAR(worst(fit["runs"]), fit_err, 1e-12);
  EXPECT_NEAR(worst(fit["held_out_runs"]), held_err, 1e-12);
}

// The full rack with direct-return and with reverse-return manifolds: in direct return the
// trays nearest the inlet and outlet see the largest pressure difference, in reverse return
// every tray's supply and return paths have about the same length, so the plate flows are more
// even. Both without pipe heat loss, so the heat balance closes exactly (switch trays included);
// the coolant has constant properties, so the flows do not depend on the pipe loss. The fit runs
// at three flows instead of five to save two 3-D solves per run (the same for both layouts).
TEST(RackVerification, ReverseReturnEvensThePlateFlowsMoreThanDirectReturn) {
  const auto run = [&](const std::string& layout) {
    const fs::path file =
        rack_variant(layout, {{"layout: reverse", "layout: " + layout},
                              {kNoPipeLoss, "heat_loss: 0 W/K"},
                              {"flows: [0.25, 0.5, 1, 1.5, 2]", "flows: [0.5, 1, 2]"}});
    const fs::path out = kelvin_test::run_case_file(file.string(), "rack-" + layout);
    return kelvin_test::read_json(out / "summary.json");
  };
  const json reverse = run("reverse"), direct = run("direct");
  ASSERT_EQ(reverse["gpus"].size(), 72u);
  ASSERT_EQ(direct["gpus"].size(), 72u);
  const double r = reverse["loop"]["maldistribution"]["max_over_min"].get<double>();
  const double d = direct["loop"]["maldistribution"]["max_over_min"].get<double>();
  std::printf("  plate flow max/min: reverse return %.6f, direct return %.6f\n", r, d);
  EXPECT_GE(r, 1.0);
  EXPECT_LT(r, d);
  // Steady heat balance with the nine 1.5 kW switch trays.
  for (const json* s : {&reverse, &direct}) EXPECT_LT(heat_balance_error(*s, 9 * 1500.0), 1e-9);
}
