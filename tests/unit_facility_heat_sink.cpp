// The plate-fin heat sink (solver/facility/heat_sink.hpp): Teertstra's composite Nusselt number
// at its two asymptotes, the fin efficiency, one geometry worked by hand, and the resistance
// falling with air flow.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "facility_fixtures.hpp"
#include "solver/facility/heat_sink.hpp"

using namespace kelvin;
using kelvin::facility_test::example_sink;

TEST(FacilityHeatSink, NusseltMeetsItsAsymptotes) {
  // Far below Re* ~ 1 the channel is fully developed, Nu -> Re* Pr / 2; far above, the
  // developing boundary layer 0.664 sqrt(Re*) Pr^(1/3) sqrt(1 + 3.65/sqrt(Re*)) rules. The
  // cubic blend departs from the smaller term by (1 + r^3)^(-1/3) ~ r^3 / 3 with r the ratio of
  // the terms: at Re* = 1e-3 r ~ 2e-2 (departure < 1e-5); at Re* = 1e5 r ~ 6e-3.
  const double pr = 0.705;
  EXPECT_NEAR(teertstra_nusselt(1e-3, pr) / (1e-3 * pr / 2), 1.0, 1e-5);
  const double re = 1e5;
  const double developing =
      0.664 * std::sqrt(re) * std::cbrt(pr) * std::sqrt(1 + 3.65 / std::sqrt(re));
  EXPECT_NEAR(teertstra_nusselt(re, pr) / developing, 1.0, 1e-6);
  EXPECT_EQ(teertstra_nusselt(0, pr), 0.0);
}

TEST(FacilityHeatSink, FinEfficiency) {
  EXPECT_DOUBLE_EQ(fin_efficiency(0), 1.0);
  EXPECT_NEAR(fin_efficiency(1), 0.7615941559557649, 1e-15);  // tanh(1)
  EXPECT_NEAR(fin_efficiency(10), 0.1, 1e-9);
}

TEST(FacilityHeatSink, OneGeometryByHand) {
  // 0.02 m^3/s (42 CFM) through A = (40 * 0.5 + 39 * 2) mm x 60 mm = 5.88e-3 m^2:
  // V_ch = 3.401 * 1.25 = 4.2517 m/s, Re* = 4.2517 * 0.002 / 1.7e-5 * 0.02 = 10.004,
  // Nu = [(3.5264)^-3 + (2.7393)^-3]^(-1/3) = 2.41226, h = 32.686 W/m^2K,
  // mH = sqrt(2 * 32.686 / (390 * 5e-4)) * 0.06 = 1.0986, eta = 0.72820,
  // R = 1 / (32.686 (40 * 0.72820 * 0.012 + 39 * 2e-4)) = 0.0856166 K/W.
  const PlateFinHeatSink s = example_sink();
  const AirProperties air;
  EXPECT_NEAR(heat_sink_frontal_area_m2(s), 5.88e-3, 1e-15);
  EXPECT_NEAR(heat_sink_h_W_m2K(s, air, 0.02), 32.68614000747289, 1e-9);
  EXPECT_NEAR(heat_sink_resistance_K_W(s, air, 0.02), 0.08561657455380127, 1e-12);
  EXPECT_NEAR(junction_to_air_K_W(s, air, 0.02), 0.02 + 0.01 + 0.08561657455380127, 1e-12);
}

TEST(FacilityHeatSink, ResistanceFallsWithFlow) {
  const PlateFinHeatSink s = example_sink();
  const AirProperties air;
  double previous = heat_sink_resistance_K_W(s, air, 0.002);
  for (double v = 0.004; v <= 0.1; v += 0.002) {
    const double r = heat_sink_resistance_K_W(s, air, v);
    EXPECT_LT(r, previous) << "at " << v << " m^3/s";
    previous = r;
  }
}

TEST(FacilityHeatSink, BadGeometryIsNamed) {
  PlateFinHeatSink s = example_sink();
  s.fin_count = 1;
  try {
    check_heat_sink(s);
    FAIL() << "one fin accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fin_count"), std::string::npos);
  }
  EXPECT_THROW(heat_sink_resistance_K_W(example_sink(), AirProperties{}, 0), std::invalid_argument);
}
