// The CDU (solver/loop/heat_exchanger.hpp, cdu.hpp): counterflow epsilon-NTU against its
// analytic limits, the UA scaling law, the energy balance of both sides, the default 1.5 MW
// CDU returning its rated heat at its rating point, and a steady secondary loop (N+1 pumps,
// eight plates, the CDU) whose supply temperature and differential pressure settle at their
// setpoints under the two PI loops.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "solver/loop/cdu.hpp"
#include "solver/loop/enthalpy.hpp"

using namespace kelvin;

TEST(LoopCdu, EffectivenessMeetsItsAnalyticLimits) {
  double worst_inf = 0, worst_cr0 = 0, worst_cr1 = 0, worst_inv = 0;
  for (double cr : {0.0, 0.25, 0.5, 0.9})  // NTU -> infinity: eps -> 1 for Cr < 1
    worst_inf = std::max(worst_inf, std::abs(counterflow_effectiveness(40.0 / (1 - cr), cr) - 1.0));
  for (double ntu : {0.01, 0.3, 1.0, 3.0, 10.0}) {
    worst_cr0 =
        std::max(worst_cr0, std::abs(counterflow_effectiveness(ntu, 0.0) - (1.0 - std::exp(-ntu))));
    worst_cr1 =
        std::max(worst_cr1, std::abs(counterflow_effectiveness(ntu, 1.0) - ntu / (1.0 + ntu)));
    for (double cr : {0.0, 0.4, 0.8, 1.0}) {
      const double eps = counterflow_effectiveness(ntu, cr);
      worst_inv = std::max(worst_inv, std::abs(counterflow_ntu(eps, cr) / ntu - 1.0));
    }
  }
  EXPECT_LT(worst_inf, 1e-12);
  EXPECT_LT(worst_cr0, 1e-15);
  EXPECT_LT(worst_cr1, 1e-15);
  EXPECT_LT(worst_inv, 1e-9);
  // continuous into the Cr = 1 limit (the closed form's 0/0 is avoided within 1e-7 of it)
  EXPECT_LT(std::abs(counterflow_effectiveness(2.0, 1.0 - 1e-6) - 2.0 / 3.0), 1e-6);
  EXPECT_LT(std::abs(counterflow_effectiveness(2.0, 1.0 - 2e-7) - 2.0 / 3.0), 1e-6);
  std::printf(
      "eps-NTU: NTU (1 - Cr) = 40: |eps - 1| %.2e; Cr 0 %.2e; Cr 1 %.2e; NTU(eps(NTU)) %.2e\n",
      worst_inf, worst_cr0, worst_cr1, worst_inv);
}

TEST(LoopCdu, UaScalesWithEachSidesFlowToThePower08) {
  const PlateHeatExchanger hx{3e5, 40.0, 45.0};
  EXPECT_LT(std::abs(exchanger_ua(hx, 40.0, 45.0) / 3e5 - 1.0), 1e-15);
  // both flows x2: UA x 2^0.8
  EXPECT_LT(std::abs(exchanger_ua(hx, 80.0, 90.0) / (3e5 * std::pow(2.0, 0.8)) - 1.0), 1e-14);
  // one side x2: 1/UA = 1/(2 UA_r 2^0.8) + 1/(2 UA_r)
  const double want = 1.0 / (1.0 / (6e5 * std::pow(2.0, 0.8)) + 1.0 / 6e5);
  EXPECT_LT(std::abs(exchanger_ua(hx, 80.0, 45.0) / want - 1.0), 1e-14);
  EXPECT_EQ(exchanger_ua(hx, 40.0, 0.0), 0.0);
  std::printf("UA: rating %.1f W/K, both x2 %.1f (x%.6f), hot x2 %.1f W/K\n",
              exchanger_ua(hx, 40.0, 45.0), exchanger_ua(hx, 80.0, 90.0),
              exchanger_ua(hx, 80.0, 90.0) / 3e5, exchanger_ua(hx, 80.0, 45.0));
}

TEST(LoopCdu, BothSidesBalanceToRoundOff) {
  const CoolantProperties pg25 = make_coolant("PG", 0.25), water = make_coolant("water", 0);
  const PlateHeatExchanger hx{3e5, 38.0, 45.0};
  double worst = 0;
  for (double m_h : {10.0, 38.0, 60.0})
    for (double m_c : {5.0, 45.0, 70.0}) {
      const ExchangeResult x = exchange(hx, pg25, m_h, 318.15, water, m_c, 303.15);
      const double q_h =
          m_h * (coolant_enthalpy(pg25, 318.15) - coolant_enthalpy(pg25, x.hot_outlet_K));
      const double q_c =
          m_c * (coolant_enthalpy(water, x.cold_outlet_K) - coolant_enthalpy(water, 303.15));
      worst = std::max({worst, std::abs(q_h / x.heat_W - 1), std::abs(q_c / x.heat_W - 1)});
      EXPECT_GT(x.hot_outlet_K, 303.15);  // second law: nothing crosses the other's inlet
      EXPECT_LT(x.cold_outlet_K, 318.15);
    }
  EXPECT_LT(worst, 1e-12);
  std::printf("exchanger: both sides' m dh equal Q to %.2e relative\n", worst);
}

TEST(LoopCdu, RatingPointReturnsRatedHeat) {
  const CduDesign d;
  const CoolantProperties pg25 = make_coolant("PG", 0.25), water = make_coolant("water", 0);
  const CduRating r = rate_cdu(d, pg25, water);
  const ExchangeResult x = exchange(r.exchanger, pg25, r.secondary_flow_kg_s,
                                    d.secondary_supply_K + d.secondary_delta_T_K, water,
                                    r.facility_flow_kg_s, d.facility_supply_K);
  EXPECT_LT(std::abs(x.heat_W / d.rated_heat_W - 1), 0.01);
  EXPECT_LT(std::abs(x.hot_outlet_K - d.secondary_supply_K), 0.05);
  std::printf(
      "CDU rating: secondary %.2f kg/s = %.0f L/min PG25, facility %.2f kg/s, UA %.0f "
      "W/K, eps %.4f; at rating %.6f MW (rel %.2e), supply %.4f degC\n",
      r.secondary_flow_kg_s, r.secondary_flow_m3_s * 60000.0, r.facility_flow_kg_s, r.ua_W_K,
      r.effectiveness, x.heat_W / 1e6, x.heat_W / d.rated_heat_W - 1, x.hot_outlet_K - 273.15);
}

// Secondary loop: CDU -> supply pipe -> manifold -> 8 plates of 150 kW -> manifold -> return
// pipe -> CDU. Each control step solves the hydraulics and the steady temperatures (the
// loop's thermal time constants are not modelled here: the plant is quasi-static), then the
// PI loops move the pump speed and the facility valve.
TEST(LoopCdu, SteadyLoopSettlesAtItsSetpoints) {
  const CduDesign d;
  const CoolantProperties pg25 = make_coolant("PG", 0.25), water = make_coolant("water", 0);
  const CduRating r = rate_cdu(d, pg25, water);
  Network net(pg25, d.secondary_supply_K + 5.0);
  const CduLinks cdu = add_cdu(net, d, r, "cdu_return", "cdu_supply");
  net.add_junction("man_s");
  net.add_junction("man_r");
  net.add_link("supply_pipe", "cdu_supply", "man_s", Pipe{15.0, 0.15, 4.5e-5});
  net.add_link("return_pipe", "man_r", "cdu_return", Pipe{15.0, 0.15, 4.5e-5});
  const int plates = 8;
  const double q_plate = r.secondary_flow_m3_s / plates;
  for (int i = 0; i < plates; ++i)  // 190 kPa at the plate's share of the rated flow
    net.add_link("plate" + std::to_string(i), "man_s", "man_r",
                 PlateBranch{0, 1.9e5 / (q_plate * q_plate)});
  ThermalProblem tp;
  tp.links.resize(net.links.size());
  for (std::size_t k = net.links.size() - plates; k < net.links.size(); ++k)
    tp.links[k].heat_W = 1.2e6 / plates;
  const int supply = 1, ret = 0;  // add_cdu adds return_node, then supply_node
  CduControlSettings cs;
  cs.dp_setpoint_Pa = 2.0e5;
  cs.supply_setpoint_K = d.secondary_supply_K;
  CduController ctl(cs, 0.8, 0.5);
  double dp = 0, t_supply = 0, q_hx = 0, q_standby = 0, q_duty = 0, electrical = 0;
  for (int n = 0; n < 600; ++n) {
    for (int i = 0; i < d.duty_pumps; ++i)
      std::get<Pump>(net.links[cdu.pumps[i]].component).speed = ctl.speed();
    tp.links[cdu.exchanger].exchanger = cdu_cold_side(d, r, water, ctl.opening());
    const HydraulicSolution hyd = solve_hydraulics(net);
    const ThermalSolution th = solve_steady_thermal(net, hyd, tp);
    dp = hyd.pressure_Pa[supply] - hyd.pressure_Pa[ret];
    t_supply = th.node_temperature_K[supply];
    q_hx = -th.link_heat_W[cdu.exchanger];
    q_duty = hyd.flow_m3_s[cdu.pumps[0]];
    q_standby = hyd.flow_m3_s[cdu.pumps.back()];
    electrical = 0;
    for (int i = 0; i < d.duty_pumps; ++i)
      electrical += pump_power(std::get<Pump>(net.links[cdu.pumps[i]].component),
                               hyd.flow_m3_s[cdu.pumps[i]], hyd.density_kg_m3[cdu.pumps[i]])
                        .electrical_W;
    ctl.update(dp, t_supply, 1.0);
  }
  EXPECT_LT(std::abs(t_supply - cs.supply_setpoint_K), 1e-3);
  EXPECT_LT(std::abs(dp / cs.dp_setpoint_Pa - 1), 1e-4);
  EXPECT_LT(std::abs(q_hx / 1.2e6 - 1), 1e-9);    // steady: the CDU removes the plates' heat
  EXPECT_LT(std::abs(q_standby), 1e-6 * q_duty);  // the standby's check valve holds
  EXPECT_GT(ctl.opening(), 0.0);
  EXPECT_LT(ctl.opening(), 1.0);
  std::printf(
      "settled: supply %.6f degC (setpoint %.2f), dp %.3f kPa (setpoint %.1f), pump "
      "speed %.5f, facility valve %.5f, CDU duty %.6f MW, duty pumps %.1f L/min each, standby "
      "%.2e of it, pumps draw %.2f kW\n",
      t_supply - 273.15, cs.supply_setpoint_K - 273.15, dp / 1e3, cs.dp_setpoint_Pa / 1e3,
      ctl.speed(), ctl.opening(), q_hx / 1e6, q_duty * 6e4, q_standby / q_duty, electrical / 1e3);
}
