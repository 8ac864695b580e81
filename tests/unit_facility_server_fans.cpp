// The server fan wall under BMC control (solver/facility/server_fans.hpp): the settled speed
// holds the GPU at its target, sits at the floor when cool and at full speed when hot; the
// air's rise is Q / (rho c_p V).
#include <gtest/gtest.h>

#include "facility_fixtures.hpp"
#include "solver/facility/server_fans.hpp"

using namespace kelvin;

namespace {

// A 4U 8-GPU server's fan wall: 0.5 m^3/s (~1060 CFM) at 400 Pa, 1.2 kW at full speed (an
// assumption of the order of DGX H100's fan power, for the test only).
ServerFans fans() {
  ServerFans f;
  f.fan = FanRating{0.5, 400, 800, 1200};
  f.min_speed = 0.3;
  f.gpu_flow_share = 0.08;
  return f;
}

}  // namespace

TEST(FacilityServerFans, SettledSpeedHoldsTheTarget) {
  const AirProperties air;
  const double s = server_fan_speed(fans(), kelvin::facility_test::example_sink(), air, 27, 700, 100);
  ASSERT_GT(s, fans().min_speed);
  ASSERT_LT(s, 1.0);
  EXPECT_NEAR(server_gpu_junction_C(fans(), kelvin::facility_test::example_sink(), air, s, 27, 700), 100, 1e-6);
}

TEST(FacilityServerFans, FloorWhenCoolFullSpeedWhenHot) {
  const AirProperties air;
  EXPECT_EQ(server_fan_speed(fans(), kelvin::facility_test::example_sink(), air, 18, 200, 80), fans().min_speed);
  EXPECT_EQ(server_fan_speed(fans(), kelvin::facility_test::example_sink(), air, 45, 700, 80), 1.0);
}

TEST(FacilityServerFans, AirRise) {
  // 10 kW through 0.5 m^3/s at half speed: 1e4 / (1.127 * 1007 * 0.25) = 35.245 K.
  EXPECT_NEAR(server_air_rise_K(fans(), AirProperties{}, 0.5, 1e4), 1e4 / (1.127 * 1007 * 0.25),
              1e-12);
}
