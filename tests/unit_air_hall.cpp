// The air-cooled hall's rack (solver/coupling/air_server.hpp, air_hall.hpp): the servers' BMC,
// the GPU rows in series, recirculation and bypass, the CRAH fans and coil, and the hall's books
// (coil duty = servers' electrical power + CRAH fans).
#include <gtest/gtest.h>

#include <cmath>

#include "solver/coupling/air_hall.hpp"

using namespace kelvin;

namespace {

constexpr double kC = 273.15;

const GpuModel& h100() { return *find_gpu_model("H100-SXM5"); }

/// 4 servers of 8 H100s (2 rows) and a rack's share of the CRAHs: 24 of 200 kW for 100 racks.
AirHall hall(double recirculation = 0.05, double bypass = 0.1) {
  AirHall h;
  h.server.fans.fan = FanRating{0.47, 600, 1000, 1000};
  h.server.fans.min_speed = 0.3;
  h.server.fans.gpu_flow_share = 0.175;
  // the case defaults: 50 copper fins 90 mm tall, 0.6 mm thick, 1.4 mm apart, 120 mm long
  h.server.sink = PlateFinHeatSink{50, 0.09, 6e-4, 1.4e-3, 0.12, 390, 0.015, 0.008};
  h.server.gpu_caps_W.assign(8, 700.0);
  h.server.rows = 2;
  h.server.rest_power_W = 2500;
  h.server.target_junction_K = 82 + kC;
  h.servers = 4;
  h.supply_air_K = 24 + kC;
  h.recirculation = recirculation;
  h.bypass = bypass;
  const double k = 0.24;
  h.coil.ua_rated_W_K = 25e3 * k;  // about the case default's rating (200 kW, 38 -> 15 degC)
  h.coil.air_flow_rated_kg_s = 13.2 * k;
  h.coil.water_flow_rated_kg_s = 4.77 * k;
  h.crah_air_kg_s = 13.2 * k;
  h.crah_fan_power_W = 7500 * k;
  h.crah_water_kg_s = 4.77 * k;
  return h;
}

double books(const AirHall& h, const AirHallState& st) {
  const double drawn = h.servers * st.server.heat_W + st.crah_fans_W;
  return std::abs(st.coil_W - drawn) / drawn;
}

}  // namespace

TEST(AirServer, TheBmcHoldsTheHottestGpuAtItsTarget) {
  const AirHall h = hall();
  const AirServerState st = settle_air_server(h.server, h100(), 1.0, 25 + kC);
  ASSERT_GT(st.speed, h.server.fans.min_speed);
  ASSERT_LT(st.speed, 1.0);
  EXPECT_NEAR(st.max_junction_K, h.server.target_junction_K, 1e-6);
  // the rear row breathes the front row's heat: T_in,rear - T_in,front = P_front / (rho c_p phi s V_r)
  const AirProperties& a = h.server.air;
  const double column = a.density_kg_m3 * a.specific_heat_J_kgK * h.server.fans.gpu_flow_share *
                        st.speed * h.server.fans.fan.flow_m3_s;
  for (int col = 0; col < 4; ++col)
    EXPECT_NEAR(st.gpu_inlet_K[4 + col] - st.gpu_inlet_K[col], st.gpu[col].power_W / column, 1e-9);
  // the hottest GPU is a rear one, and nobody is throttled at the target
  EXPECT_GT(st.gpu[4].junction_K, st.gpu[0].junction_K);
  for (const OperatingPoint& op : st.gpu) EXPECT_EQ(op.reasons & (kReasonSwThermal | kReasonHwThermal), 0u);
  // fans: P_r s^3; exhaust: T_in + (GPUs + rest + fans) / (m c_p)
  EXPECT_NEAR(st.fans_W, 1000 * std::pow(st.speed, 3), 1e-9);
  EXPECT_NEAR(st.exhaust_K - 25 - kC, (st.gpu_W + 2500 + st.fans_W) / (st.air_kg_s * a.specific_heat_J_kgK), 1e-9);
}

TEST(AirServer, FullSpeedAndStillHotThrottlesTheGpus) {
  const AirHall h = hall();
  const AirServerState st = settle_air_server(h.server, h100(), 1.0, 45 + kC);
  EXPECT_EQ(st.speed, 1.0);
  EXPECT_GT(st.max_junction_K, h.server.target_junction_K);
  EXPECT_NE(st.gpu[4].reasons & (kReasonSwThermal | kReasonHwThermal), 0u);
  EXPECT_LT(st.gpu[4].clock_MHz, h100().max_clock_MHz);
}

TEST(AirHall, WithoutRecirculationOrBypassTheServersBreatheTheSupplyAir) {
  const AirHall h = hall(0.0, 0.0);
  const AirHallState st = solve_air_hall(h, h100(), 1.0, 15 + kC);
  EXPECT_FALSE(st.supply_above_setpoint);
  EXPECT_DOUBLE_EQ(st.server_inlet_K, h.supply_air_K);
  EXPECT_NEAR(st.return_air_K, st.server.exhaust_K, 1e-12);
  EXPECT_NEAR(st.crah_air_kg_s, h.servers * st.server.air_kg_s, 1e-12);
  EXPECT_LT(books(h, st), 1e-12);
}

TEST(AirHall, RecirculationWarmsTheIntakeAndTheBooksClose) {
  const AirHall h = hall(0.1, 0.2);
  const AirHallState st = solve_air_hall(h, h100(), 1.0, 15 + kC);
  // intake: T_in = T_s + r (T_out - T_s), with T_out the servers' exhaust at that intake
  EXPECT_NEAR(st.server_inlet_K - st.supply_air_K,
              0.1 * (st.server.exhaust_K - st.supply_air_K), 1e-9);
  EXPECT_GT(st.server_inlet_K, h.supply_air_K + 1.0);
  // CRAH air = (1 - r) m_s / (1 - b), fans at (m_c / m_c,r)^3
  EXPECT_NEAR(st.crah_air_kg_s, 0.9 * h.servers * st.server.air_kg_s / 0.8, 1e-9);
  EXPECT_NEAR(st.crah_fans_W, h.crah_fan_power_W * std::pow(st.crah_air_kg_s / h.crah_air_kg_s, 3), 1e-9);
  // the coil leaves the air below the setpoint by the fans' heat, and takes it all
  EXPECT_NEAR(st.coil_leaving_K, h.supply_air_K - st.crah_fans_W / (st.crah_air_kg_s * 1007), 1e-12);
  EXPECT_NEAR(crah_coil_heat_W(h.coil, st.return_air_K, st.crah_air_kg_s, 15 + kC, st.water_kg_s),
              st.coil_W, 1e-6 * st.coil_W);
  EXPECT_LT(books(h, st), 1e-9);
}

TEST(AirHall, CrahsShortOfAirRecirculateMore) {
  AirHall h = hall(0.05, 0.1);
  h.crah_air_kg_s *= 0.3;  // far too few CRAH fans for the servers' air
  const AirHallState st = solve_air_hall(h, h100(), 1.0, 15 + kC);
  EXPECT_NEAR(st.crah_speed, 1.0, 1e-12);
  EXPECT_GT(st.recirculation, 0.05);
  EXPECT_NEAR((1 - st.recirculation) * h.servers * st.server.air_kg_s, h.crah_air_kg_s * 0.9, 1e-9);
  EXPECT_LT(books(h, st), 1e-9);
}

TEST(AirHall, WarmChilledWaterLetsTheSupplyAirFloat) {
  const AirHall h = hall();
  const AirHallState cold = solve_air_hall(h, h100(), 1.0, 12 + kC);
  const AirHallState warm = solve_air_hall(h, h100(), 1.0, 24 + kC);
  EXPECT_FALSE(cold.supply_above_setpoint);
  EXPECT_LT(cold.water_kg_s, h.crah_water_kg_s);
  ASSERT_TRUE(warm.supply_above_setpoint);
  EXPECT_GT(warm.supply_air_K, h.supply_air_K);
  // at full water flow the coil just holds the floated supply
  EXPECT_NEAR(warm.water_kg_s, h.crah_water_kg_s, 1e-6 * h.crah_water_kg_s);
  EXPECT_NEAR(crah_coil_heat_W(h.coil, warm.return_air_K, warm.crah_air_kg_s, 24 + kC, warm.water_kg_s),
              warm.coil_W, 1e-6 * warm.coil_W);
  EXPECT_LT(books(h, warm), 1e-9);
  // and the hotter intake costs fan power and GPU leakage
  EXPECT_GT(warm.server.fans_W, cold.server.fans_W);
}

TEST(AirHall, TheRacksAnswerCarriesItsFansAndTokens) {
  const AirHall h = hall();
  WorkloadPhase phase;
  phase.activity = 1.0;
  phase.tokens_per_s = 950;
  const RackResponse r = air_hall_response(h, h100(), phase, 15 + kC);
  const AirHallState st = solve_air_hall(h, h100(), 1.0, 15 + kC);
  EXPECT_NEAR(r.it_W, 4 * st.server.heat_W, 1e-9);
  EXPECT_NEAR(r.server_fans_W, 4 * st.server.fans_W, 1e-9);
  EXPECT_NEAR(r.crah_fans_W, st.crah_fans_W, 1e-9);
  EXPECT_NEAR(r.duty_W, st.coil_W, 1e-9);
  EXPECT_DOUBLE_EQ(r.unthrottled_tokens_per_s, 32 * 950);
  EXPECT_LE(r.tokens_per_s, r.unthrottled_tokens_per_s);
  EXPECT_GT(r.tokens_per_s, 0.8 * r.unthrottled_tokens_per_s);
}
