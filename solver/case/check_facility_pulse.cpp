// check_case()'s checks of the facility's pulse (facility.pulse): the hour it runs, its length,
// and the training cycle it runs.
#include <cmath>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

void Checker::check_facility_pulse(const FacilityCase& f) {
  // The climate shift the year runs at (facility.ambient_offset), here with the pulse: both
  // are what a sweep varies around the weather file.
  if (!(std::abs(f.ambient_offset_K) <= 40))
    report("facility.ambient_offset", "facility: ambient_offset must lie in -40 .. 40 K, got " +
                                          num(f.ambient_offset_K) + " K");
  constexpr int kMaxYearHours = 8784;  // a leap year's EPW
  if (f.pulse_hour != -1 && (f.pulse_hour < 0 || f.pulse_hour >= kMaxYearHours))
    report("facility.pulse.hour", "facility.pulse: hour must lie in 0 .. " +
                                      std::to_string(kMaxYearHours - 1) +
                                      " (hours of the year from 1 January 00:00), or -1 for the "
                                      "hour with the warmest facility water, got " +
                                      std::to_string(f.pulse_hour));
  const bool given = f.pulse_duration_s != 0 || m_case.key_marks.count("facility.pulse.duration") > 0;
  if (given && !(f.pulse_duration_s > 0 && std::isfinite(f.pulse_duration_s)))
    report("facility.pulse.duration",
           "facility.pulse: duration must be positive, got " + num(f.pulse_duration_s) + " s");
  if (!(f.pulse_iteration_time_s > 0 && std::isfinite(f.pulse_iteration_time_s)))
    report("facility.pulse.iteration_time", "facility.pulse: iteration_time must be positive, got " +
                                                num(f.pulse_iteration_time_s) + " s");
  if (!(f.pulse_compute_fraction > 0 && f.pulse_compute_fraction < 1))
    report("facility.pulse.compute_fraction",
           "facility.pulse: compute_fraction must lie in (0, 1) (the rest of an iteration is "
           "communication), got " + num(f.pulse_compute_fraction));
  if (!(f.pulse_communication_activity >= 0 && f.pulse_communication_activity <= 1))
    report("facility.pulse.communication_activity",
           "facility.pulse: communication_activity must lie in [0, 1], got " +
               num(f.pulse_communication_activity));
  if (given && f.pulse_duration_s > 0 && m_case.gpus && !(f.pulse_duration_s >= m_case.gpus->control_interval_s))
    report("facility.pulse.duration", "facility.pulse: duration (" + num(f.pulse_duration_s) +
                                          " s) is shorter than gpus.control_interval (" +
                                          num(m_case.gpus->control_interval_s) + " s)");
}

}  // namespace kelvin::parse_detail
