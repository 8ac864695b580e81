// The time-stepped secondary loop (solver/loop/loop_transient.hpp): a rack of eight plates on
// supply and return manifolds behind a 1.5 MW CDU (2 duty + 1 standby pumps), stepped with
// rotor inertia, quasi-steady hydraulics, transport delay, node masses and the two PI loops.
// Checked: no event keeps the steady start; one pump trip is recovered by the other; all
// pumps tripping decays the flow with the rotor; the energy books balance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "solver/loop/enthalpy.hpp"
#include "solver/loop/loop_transient.hpp"

using namespace kelvin;

namespace {

constexpr int kPlates = 8;

/// The rack: flows sized to 60 % of the CDU's rated flow at dp 2 bar (so one pump at up to
/// 1.15 x rated speed can carry it alone), 0.9 MW of plates, 15 m supply and return pipes
/// losing 20 W/K each to a 20 degC room, a quick disconnect (10 kPa) in front of each plate.
LoopTransientSetup make_rack() {
  const CduDesign d;
  const CoolantProperties pg25 = make_coolant("PG", 0.25), water = make_coolant("water", 0);
  const CduRating r = rate_cdu(d, pg25, water);
  Network net(pg25, d.secondary_supply_K + 5.0);
  const CduLinks cdu = add_cdu(net, d, r, "cdu_return", "cdu_supply");
  net.add_junction("man_s");
  net.add_junction("man_r");
  const int supply_pipe =
      net.add_link("supply_pipe", "cdu_supply", "man_s", Pipe{15.0, 0.15, 4.5e-5});
  const int return_pipe =
      net.add_link("return_pipe", "man_r", "cdu_return", Pipe{15.0, 0.15, 4.5e-5});
  const double q_plate = 0.6 * r.secondary_flow_m3_s / kPlates;
  const double rho = pg25.density(d.secondary_supply_K + 5.0);
  const double kv_qd = 3600.0 * q_plate / std::sqrt(1e4 / 1e5 / (rho / 1000.0));
  std::vector<int> plates;
  for (int i = 0; i < kPlates; ++i) {
    const std::string n = std::to_string(i);
    net.add_junction("plate_in_" + n);
    net.add_link("qd_" + n, "man_s", "plate_in_" + n, QuickDisconnect{kv_qd, 1.0});
    plates.push_back(net.add_link("plate_" + n, "plate_in_" + n, "man_r",
                                  PlateBranch{0, 1.8e5 / (q_plate * q_plate)}));
  }
  LoopTransientSetup s(net, water);
  s.design = d;
  s.rating = r;
  s.cdu = cdu;
  s.heat.links.resize(net.links.size());
  for (int k : plates) s.heat.links[static_cast<std::size_t>(k)].heat_W = 0.9e6 / kPlates;
  for (int k : {supply_pipe, return_pipe})
    s.heat.links[static_cast<std::size_t>(k)].loss_ua_W_K = 20.0;
  s.plates = plates;
  s.return_node = 0;  // add_cdu adds return_node, then supply_node
  s.supply_node = 1;
  s.node_mass_kg.assign(net.nodes.size(), 5.0);  // fittings and plate metal, kg of coolant
  s.node_mass_kg[static_cast<std::size_t>(cdu.suction)] = 60.0;  // tank and exchanger
  s.control.dp_setpoint_Pa = 2.0e5;
  s.control.supply_setpoint_K = d.secondary_supply_K;
  return s;
}

double rel(double a, double b) { return std::abs(a / b - 1.0); }

}  // namespace

TEST(LoopTransient, NoEventStaysAtTheSteadyStart) {
  LoopTransient lt(make_rack());
  const LoopSample s0 = lt.history().front();
  for (int n = 0; n < 3000; ++n) lt.step(0.1);
  const LoopSample& s = lt.history().back();
  double worst_flow = 0;
  for (int i = 0; i < kPlates; ++i)
    worst_flow = std::max(worst_flow, rel(s.plate_flow_m3_s[i], s0.plate_flow_m3_s[i]));
  for (std::size_t i = 0; i < 2; ++i)
    worst_flow = std::max(worst_flow, rel(s.pump_flow_m3_s[i], s0.pump_flow_m3_s[i]));
  const double dT = std::abs(s.supply_K - lt.setup().control.supply_setpoint_K);
  EXPECT_LT(dT, 1e-6);
  EXPECT_LT(worst_flow, 1e-9);
  std::printf(
      "steady start: speed %.6f, valve %.6f; after 300 s |T_supply - set| %.2e K, flows "
      "%.2e relative, dp %.6f kPa\n",
      s0.pump_speed[0], s0.facility_opening, dT, worst_flow, s.dp_Pa / 1e3);
}

// Pump 0 of the two duty pumps trips at 1 s; the standby is not started. Its rotor coasts
// down against its shut-off torque once its check valve closes; the speed loop raises pump 1
// until dp is back at its setpoint, which puts every plate back on its pre-trip flow.
TEST(LoopTransient, OnePumpTripIsRecoveredByTheOther) {
  LoopTransient lt(make_rack());
  lt.schedule({1.0, LoopEventKind::TripPump, 0, 1.0});
  const double dt = 0.05;
  for (int n = 0; n < 2400; ++n) lt.step(dt);  // 120 s
  const auto& h = lt.history();
  const LoopSample& s0 = h.front();
  double worst_reverse = 0, settle_s = 0, min_ratio = 1, worst_final = 0;
  bool monotone = true;
  for (std::size_t n = 1; n < h.size(); ++n) {
    worst_reverse = std::max(worst_reverse, -h[n].pump_flow_m3_s[0] / s0.pump_flow_m3_s[1]);
    if (h[n].time_s > 1.0 + 1e-9 && h[n].pump_speed[0] > h[n - 1].pump_speed[0]) monotone = false;
    double dev = 0;
    for (int i = 0; i < kPlates; ++i)
      dev = std::max(dev, rel(h[n].plate_flow_m3_s[i], s0.plate_flow_m3_s[i]));
    if (dev > 0.02) settle_s = h[n].time_s - 1.0;
    min_ratio = std::min(min_ratio, h[n].plate_flow_m3_s[0] / s0.plate_flow_m3_s[0]);
  }
  for (int i = 0; i < kPlates; ++i)
    worst_final = std::max(worst_final, rel(h.back().plate_flow_m3_s[i], s0.plate_flow_m3_s[i]));
  // Once its check valve has shut (Q = 0) it coasts against its shut-off torque, which goes
  // as w^2 (H ~ s^2 at Q = 0, shut-off power ~ rho g H s Q_b): w = w_a / (1 + (t - t_a) / T),
  // T = J w_a / tau(w_a), from the first sample t_a with no forward flow.
  std::size_t a = 1;
  while (a < h.size() && h[a].pump_flow_m3_s[0] > 0) ++a;
  ASSERT_LT(a + 10, h.size());
  const LoopTransientSetup& su = lt.setup();
  Pump p = std::get<Pump>(su.net.links[static_cast<std::size_t>(su.cdu.pumps[0])].component);
  p.speed = h[a].pump_speed[0];
  const double w_a = p.speed * su.rotor.rated_speed_rad_s;
  const double rho = su.net.coolant.density(su.net.temperature_K);
  const double tau_a = rho * kStandardGravity * p.shutoff_head_m * p.speed * p.speed * p.speed *
                       p.bep_flow_m3_s / (2.0 * p.bep_efficiency) / w_a;
  const double big_t = su.rotor.inertia_kg_m2 * w_a / tau_a;
  double worst_coast = 0;
  for (std::size_t n = a; n < h.size(); ++n)
    worst_coast = std::max(
        worst_coast,
        rel(h[n].pump_speed[0], h[a].pump_speed[0] / (1 + (h[n].time_s - h[a].time_s) / big_t)));
  // the tripped rotor: J dw/dt = -tau_hyd, so from the trip on it only slows
  EXPECT_TRUE(monotone);
  EXPECT_LT(worst_coast, 1e-6);
  EXPECT_LT(h.back().pump_speed[0], 0.2 * s0.pump_speed[0]);
  EXPECT_LT(worst_reverse, 1e-6);  // its check valve holds
  EXPECT_GT(h.back().pump_speed[1], s0.pump_speed[1] + 0.05);
  EXPECT_LT(min_ratio, 0.98);  // the trip is felt ...
  EXPECT_LT(settle_s, 60.0);   // ... and recovered from within 2 %
  EXPECT_LT(worst_final, 1e-3);
  std::printf(
      "one pump trips: pump 0 speed %.4f -> %.2e (monotone; its valve shut at %.2f s, then the "
      "closed-form coast-down w_a / (1 + t / T), T %.2f s, within %.2e), reverse flow %.2e of a "
      "running "
      "pump's; pump 1 speed %.4f -> %.4f; plate flow dips to %.4f of pre-trip, back within "
      "2 %% after %.2f s, %.2e off at 120 s; dp %.3f kPa\n",
      s0.pump_speed[0], h.back().pump_speed[0], h[a].time_s - 1.0, big_t, worst_coast,
      worst_reverse, s0.pump_speed[1], h.back().pump_speed[1], min_ratio, settle_s, worst_final,
      h.back().dp_Pa / 1e3);
}

// Every motor trips at 1 s. All losses are (nearly) quadratic in the flow and the pumps' curve
// is H = c0 s^2 + c2 Q|Q|, so the flow follows the speed, Q/Q0 = w/w0; only the pipes'
// Churchill friction factor departs (it rises ~5 % as Re halves, on ~1 % of the loop's drop),
// hence the 1e-3 bar. With less flow the plates' rise Q/(m cp) grows and their outlets heat.
TEST(LoopTransient, AllPumpsTripFlowFollowsTheRotor) {
  LoopTransient lt(make_rack());
  lt.schedule({1.0, LoopEventKind::TripAllPumps, -1, 1.0});
  const double dt = 0.02;
  double t_rise = -1;
  while (lt.history().back().time_s < 30.0 && t_rise < 0) {
    lt.step(dt);
    const auto& h = lt.history();
    double hottest = 0, before = 0;
    for (int i = 0; i < kPlates; ++i) {
      hottest = std::max(hottest, h.back().plate_outlet_K[i]);
      before = std::max(before, h[1].plate_outlet_K[i]);  // the first step: still steady
    }
    if (hottest - before >= 10.0) t_rise = h.back().time_s - 1.0;
  }
  for (int n = 0; n < 50; ++n) lt.step(dt);  // 1 s more for the monotonicity check
  const auto& h = lt.history();
  const LoopSample& s0 = h.front();
  double worst = 0;
  bool monotone = true;
  for (std::size_t n = 1; n < h.size(); ++n) {
    const double w = h[n].pump_speed[0] / s0.pump_speed[0];
    for (int i = 0; i < kPlates; ++i) {
      worst = std::max(worst, std::abs(h[n].plate_flow_m3_s[i] / s0.plate_flow_m3_s[i] - w));
      if (n > 1 && h[n].time_s > 1.0 + 1e-9 &&
          h[n].plate_outlet_K[i] < h[n - 1].plate_outlet_K[i] - 1e-9)
        monotone = false;
    }
  }
  EXPECT_LT(worst, 1e-3);
  EXPECT_TRUE(monotone);
  EXPECT_GT(t_rise, 0.0);
  EXPECT_LT(h.back().pump_speed[0], 0.6 * s0.pump_speed[0]);
  std::printf(
      "all pumps trip: speed %.4f -> %.4f in %.2f s; |Q/Q0 - w/w0| <= %.2e; hottest plate "
      "outlet +10 K after %.2f s (monotone); supply %.3f -> %.3f degC\n",
      s0.pump_speed[0], h.back().pump_speed[0], h.back().time_s - 1.0, worst, t_rise,
      s0.supply_K - 273.15, h.back().supply_K - 273.15);
}

// A run through every event: pump 0 trips at 5 s, the facility valve sticks at 10 s, plate 3's
// quick disconnect half closes at 20 s. The books: plates - CDU - pipe loss = change of stored
// enthalpy (node masses and pipe parcels), each side summed independently by the driver.
TEST(LoopTransient, EnergyBooksBalance) {
  LoopTransientSetup s = make_rack();
  const int qd3 = s.plates[3] - 1;  // qd_3 is added just before plate_3
  LoopTransient lt(s);
  lt.schedule({5.0, LoopEventKind::TripPump, 0, 1.0});
  lt.schedule({10.0, LoopEventKind::StickFacilityValve, -1, 1.0});
  lt.schedule({20.0, LoopEventKind::SetLinkOpening, qd3, 0.5});
  for (int n = 0; n < 600; ++n) lt.step(0.1);
  const LoopEnergy& e = lt.energy();
  const double residual = e.plates_J - e.cdu_J - e.pipe_loss_J - e.stored_change_J;
  EXPECT_LT(std::abs(residual) / e.plates_J, 1e-9);
  const auto& h = lt.history();
  EXPECT_EQ(h.back().facility_opening, h[101].facility_opening);  // stuck since 10 s
  EXPECT_LT(h.back().plate_flow_m3_s[3], 0.99 * h.back().plate_flow_m3_s[2]);
  std::printf(
      "energy over 60 s: plates %.6e J, CDU %.6e J, pipes %.6e J, stored %+.6e J, "
      "residual %.2e relative; plate 3 behind the half-closed QD at %.4f of plate 2's "
      "flow; supply %.3f degC with the valve stuck at %.4f\n",
      e.plates_J, e.cdu_J, e.pipe_loss_J, e.stored_change_J, residual / e.plates_J,
      h.back().plate_flow_m3_s[3] / h.back().plate_flow_m3_s[2], h.back().supply_K - 273.15,
      h.back().facility_opening);
}

// Pump 0 trips at 1 s and the standby (pump 2) is started at 3 s: the standby spins up from
// rest, and with two pumps running again at the speed loop's command every plate returns to
// its pre-trip flow (the two running pumps are identical, so it is the start's state).
TEST(LoopTransient, StandbyStartRestoresTheFlows) {
  LoopTransient lt(make_rack());
  lt.schedule({1.0, LoopEventKind::TripPump, 0, 1.0});
  lt.schedule({3.0, LoopEventKind::StartPump, 2, 1.0});
  for (int n = 0; n < 1200; ++n) lt.step(0.05);  // 60 s
  const auto& h = lt.history();
  const LoopSample& s0 = h.front();
  double worst_final = 0;
  for (int i = 0; i < kPlates; ++i)
    worst_final = std::max(worst_final, rel(h.back().plate_flow_m3_s[i], s0.plate_flow_m3_s[i]));
  EXPECT_EQ(h.front().pump_speed[2], 0.0);
  EXPECT_NEAR(h.back().pump_speed[2], s0.pump_speed[0], 1e-4);
  EXPECT_LT(h.back().pump_speed[0], 0.2 * s0.pump_speed[0]);
  EXPECT_LT(worst_final, 1e-4);
  EXPECT_GT(h.back().pump_electrical_W[2], 0.9 * s0.pump_electrical_W[0]);
  std::printf("standby start: pump 2 speed 0 -> %.4f (duty %.4f), plate flows %.2e off at 60 s\n",
              h.back().pump_speed[2], s0.pump_speed[0], worst_final);
}

// The facility side takes the duty: at the start m_f (h_f(T_f,out) - h_f(T_f,in)) = the plates'
// heat less the pipes' loss; without pipe loss, exactly the plates' heat.
TEST(LoopTransient, FacilityReturnCarriesTheDuty) {
  LoopTransientSetup su = make_rack();
  double plates_W = 0;
  for (int k : su.plates) plates_W += su.heat.links[static_cast<std::size_t>(k)].heat_W;
  for (auto& l : su.heat.links) l.loss_ua_W_K = 0;
  LoopTransient lt(su);
  const LoopSample& s0 = lt.history().front();
  EXPECT_NEAR(s0.cdu_heat_W / plates_W, 1.0, 1e-9);
  const ExchangerColdSide cold =
      cdu_cold_side(lt.setup().design, lt.setup().rating, lt.setup().facility, s0.facility_opening);
  const double taken = cold.flow_kg_s * (coolant_enthalpy(cold.coolant, s0.facility_return_K) -
                                         coolant_enthalpy(cold.coolant, cold.inlet_K));
  EXPECT_NEAR(taken / plates_W, 1.0, 1e-9);
  // stepping on, the exchanger's step-mean duty stays on it (measured 3.1e-6 after 10 s: the
  // sampled PI loops move the valve by round-off-driven amounts and the node masses follow)
  for (int n = 0; n < 100; ++n) lt.step(0.1);
  EXPECT_NEAR(lt.history().back().cdu_heat_W / plates_W, 1.0, 1e-5);
}

// Links at their upstream node's temperature: after the steady start every link's temperature
// is its upstream node's to 1e-6 K, the loop is still stationary (300 s without an event keep
// the flows to 1e-9), and the warmer return side (thinner coolant) changes the flows against
// the all-at-one-temperature loop.
TEST(LoopTransient, LinksFollowTheirUpstreamTemperature) {
  LoopTransientSetup su = make_rack();
  su.follow_temperatures = true;
  LoopTransient lt(su);
  const Network& net = lt.setup().net;
  const IndexedNetwork ix = index_network(net);
  double worst = 0;
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const int up = lt.hydraulics().flow_m3_s[k] >= 0 ? ix.from[k] : ix.to[k];
    worst = std::max(worst, std::abs(net.links[k].temperature_K -
                                     lt.node_temperature_K()[static_cast<std::size_t>(up)]));
  }
  EXPECT_LT(worst, 1e-6);
  const LoopSample s0 = lt.history().front();
  for (int n = 0; n < 3000; ++n) lt.step(0.1);
  double drift = 0;
  for (int i = 0; i < kPlates; ++i)
    drift = std::max(drift, rel(lt.history().back().plate_flow_m3_s[i], s0.plate_flow_m3_s[i]));
  EXPECT_LT(drift, 1e-9);
  const LoopTransient fixed(make_rack());
  const double change = rel(s0.pump_speed[0], fixed.history().front().pump_speed[0]);
  EXPECT_GT(change, 1e-6);
  std::printf("links at upstream temperatures: worst %.2e K off, flows drift %.2e in 300 s, duty "
              "speed %.6f against %.6f with every link at one temperature\n",
              worst, drift, s0.pump_speed[0], fixed.history().front().pump_speed[0]);
}

// Facility water too warm for the setpoint: the valve starts (and stays) fully open and the
// supply floats above its setpoint by what the exchanger cannot remove; the start is steady.
TEST(LoopTransient, FacilityTooWarmSaturatesTheValve) {
  LoopTransientSetup su = make_rack();
  su.design.facility_supply_K += 6.0;  // 36 degC water for a 34 degC supply
  LoopTransient lt(su);
  const LoopSample s0 = lt.history().front();
  EXPECT_EQ(s0.facility_opening, 1.0);
  EXPECT_GT(lt.start_supply_excess_K(), 0.0);
  EXPECT_NEAR(s0.supply_K - su.control.supply_setpoint_K, lt.start_supply_excess_K(), 1e-9);
  for (int n = 0; n < 1000; ++n) lt.step(0.1);
  EXPECT_EQ(lt.history().back().facility_opening, 1.0);
  EXPECT_NEAR(lt.history().back().supply_K, s0.supply_K, 1e-6);
  std::printf("facility 6 K too warm: valve open, supply %.4f K above its setpoint, %.2e K drift in 100 s\n",
              lt.start_supply_excess_K(), lt.history().back().supply_K - s0.supply_K);
}

// A dp setpoint the pumps cannot reach: they start at the drive's top command, dp stays below
// the setpoint by what they lack, and nothing moves.
TEST(LoopTransient, UnreachableDpSaturatesThePumps) {
  LoopTransientSetup su = make_rack();
  su.control.dp_setpoint_Pa = 6e5;
  LoopTransient lt(su);
  const LoopSample s0 = lt.history().front();
  EXPECT_GT(lt.start_dp_shortfall_Pa(), 0.0);
  EXPECT_NEAR(su.control.dp_setpoint_Pa - s0.dp_Pa, lt.start_dp_shortfall_Pa(), 1e-6);
  for (int n = 0; n < 1000; ++n) lt.step(0.1);
  EXPECT_NEAR(lt.history().back().pump_speed[0], s0.pump_speed[0], 1e-9);
  EXPECT_NEAR(lt.history().back().dp_Pa, s0.dp_Pa, 1e-6 * s0.dp_Pa);
  std::printf("dp setpoint 600 kPa: pumps at speed %.6f (top command %.2f), dp %.1f kPa short\n",
              s0.pump_speed[0], su.control.speed.output_max, lt.start_dp_shortfall_Pa() / 1e3);
}

// A setpoint below what the pumps give at their drives' bottom command: the start runs them at
// it with dp above the setpoint, and the PI loop, clamped there, keeps them at it (within the
// 2 % its unclamped output moves as the CDU's valve loop settles the supply temperature).
TEST(LoopTransient, DpBelowTheBottomCommandSaturatesThePumps) {
  LoopTransientSetup su = make_rack();
  su.control.dp_setpoint_Pa = 100;
  LoopTransient lt(su);
  const LoopSample s0 = lt.history().front();
  EXPECT_GT(lt.start_dp_excess_Pa(), 0.0);
  EXPECT_EQ(lt.start_dp_shortfall_Pa(), 0.0);
  EXPECT_NEAR(s0.dp_Pa - su.control.dp_setpoint_Pa, lt.start_dp_excess_Pa(), 1e-6);
  for (int n = 0; n < 1000; ++n) {
    lt.step(0.1);
    EXPECT_NEAR(lt.history().back().pump_speed[0], s0.pump_speed[0], 0.02 * s0.pump_speed[0]);
    EXPECT_GT(lt.history().back().dp_Pa, 100 * su.control.dp_setpoint_Pa);
  }
  std::printf("dp setpoint 100 Pa: pumps at speed %.6f (bottom command %.2f), dp %.2f kPa above\n",
              s0.pump_speed[0], su.control.speed.output_min, lt.start_dp_excess_Pa() / 1e3);
}
