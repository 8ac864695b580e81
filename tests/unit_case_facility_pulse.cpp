// The facility's pulse mapping (facility.pulse): SI values and defaults, a pulse only when its
// duration is given, the resolved case's round trip, and one-line errors naming file, line and
// key for values out of range.
#include <gtest/gtest.h>

#include <string>

#include "case_diagnostics.hpp"
#include "rack_case_fixture.hpp"

using kelvin::Case;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

// A lid under a generated cold plate, four GPUs on a two-tray loop, and a facility whose pulse
// mapping is on line 21.
const std::string kBase = kelvin_test::kLidUnderPlate + kelvin_test::kFourGpus +
                          "loop: {trays: 2, gpus_per_tray: 2}\n" + kelvin_test::facility_with_weather();

Case parsed(const std::string& pulse) {
  Case c;
  const auto diags = diagnose(kBase + pulse, &c);
  EXPECT_TRUE(diags.empty()) << dump(diags);
  return c;
}

}  // namespace

TEST(FacilityPulseCase, ParsesToSiAndRunsOnlyWithADuration) {
  const Case none = parsed("");
  EXPECT_EQ(none.facility->pulse_duration_s, 0.0);
  EXPECT_EQ(none.facility->pulse_hour, -1);
  const Case c = parsed("  pulse: {duration: 1 min, hour: 4549, iteration_time: 1500 ms,\n"
                        "          compute_fraction: 80 %, communication_activity: 0.2}\n");
  const kelvin::FacilityCase& f = *c.facility;
  EXPECT_EQ(f.pulse_duration_s, 60.0);
  EXPECT_EQ(f.pulse_hour, 4549);
  EXPECT_EQ(f.pulse_iteration_time_s, 1.5);
  EXPECT_DOUBLE_EQ(f.pulse_compute_fraction, 0.8);
  EXPECT_DOUBLE_EQ(f.pulse_communication_activity, 0.2);
  // the resolved case reads back to the same pulse; without a duration it writes none
  Case again;
  const std::string resolved = kelvin::resolved_case_yaml(c);
  ASSERT_TRUE(diagnose(resolved, &again).empty()) << resolved;
  EXPECT_EQ(again.facility->pulse_duration_s, 60.0);
  EXPECT_EQ(again.facility->pulse_hour, 4549);
  EXPECT_EQ(again.facility->pulse_iteration_time_s, 1.5);
  Case quiet;
  ASSERT_TRUE(diagnose(kelvin::resolved_case_yaml(none), &quiet).empty());
  EXPECT_EQ(quiet.facility->pulse_duration_s, 0.0);
}

TEST(FacilityPulseCase, OutOfRangeValuesNameFileLineAndKey) {
  struct Bad {
    std::string pulse, message;
  };
  const Bad bad[] = {
      {"  pulse: {duration: 0 s}\n", "facility.pulse: duration must be positive, got 0 s"},
      {"  pulse: {duration: 10 s, hour: 9000}\n", "facility.pulse: hour must lie in 0 .. 8783"},
      {"  pulse: {duration: 10 s, iteration_time: -2 s}\n",
       "facility.pulse: iteration_time must be positive, got -2 s"},
      {"  pulse: {duration: 10 s, compute_fraction: 1}\n", "facility.pulse: compute_fraction must lie in (0, 1)"},
      {"  pulse: {duration: 10 s, communication_activity: 1.5}\n",
       "facility.pulse: communication_activity must lie in [0, 1], got 1.5"},
      {"  pulse: {duration: 50 ms}\n", "facility.pulse: duration (0.05 s) is shorter than gpus.control_interval"},
  };
  for (const Bad& b : bad) {
    const auto diags = diagnose(kBase + b.pulse);
    const kelvin::Diagnostic* d = find(diags, b.message);
    ASSERT_NE(d, nullptr) << b.pulse << dump(diags);
    EXPECT_EQ(d->to_string().rfind("case.yaml:21:", 0), 0u) << d->to_string();
  }
  const auto diags = diagnose(kBase + "  pulse: {duration: 10 s, hours: 3}\n");
  EXPECT_NE(find(diags, "hours"), nullptr) << dump(diags);  // an unknown key, named
}
