// check_case()'s checks of the facility (facility: section): what it is built around (the
// loop, hence the GPUs), that it is not asked for a transient, that its weather file is there
// (the run reads it and reports its own FILE:LINE errors), and the ranges of its numbers.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

/// Hours a weather year may hold: 8760, or 8784 in a leap year's EPW.
constexpr int kMaxYearHours = 8784;

}  // namespace

void Checker::check_facility() {
  if (!m_case.facility) return;
  const FacilityCase& f = *m_case.facility;
  check_facility_needs(f);
  check_facility_values(f);
  check_air_cooling(f);
}

void Checker::check_facility_needs(const FacilityCase& f) {
  // An air-cooled hall's racks are its servers: check_air_cooling() wants no loop.
  if (!m_case.loop && !air_hall() && !failed("facility.hall"))
    report("facility",
           "facility: it cools the racks of the case's loop, but the case has no \"loop\" section "
           "(a facility run needs loop and gpus)");
  if (m_case.transient.enabled)
    report("transient", "facility runs are hourly steady states over the year; remove transient");
  if (f.weather_file.empty() || failed("facility.weather")) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string file = in_quotes(f.weather_file);
  if (!fs::exists(f.weather_file, ec))
    report("facility.weather", "facility: weather file " + file + " not found");
  else if (!fs::is_regular_file(f.weather_file, ec))
    report("facility.weather", "facility: weather file " + file + " is not a file");
  else if (!std::ifstream(f.weather_file))
    report("facility.weather", "facility: weather file " + file + " cannot be read");
}

void Checker::check_facility_values(const FacilityCase& f) {
  // A zero that means "the model's default" is checked only when the case gave it.
  const auto given = [&](const std::string& path, double v) {
    return v != 0 || m_case.key_marks.count(path) > 0;
  };
  require_at_least("facility.racks", f.racks, 1);
  if (given("facility.supply_setpoint", f.supply_setpoint_K)) {
    require_positive("facility.supply_setpoint", f.supply_setpoint_K, "K");
    // The CDUs need an approach: facility water colder than the secondary supply it cools.
    const LoopCase* l = m_case.loop ? &*m_case.loop : nullptr;
    if (f.supply_setpoint_K > 0 && l && !failed("loop.cdu.supply_temperature") &&
        !(f.supply_setpoint_K < l->cdu_supply_K))
      report("facility.supply_setpoint",
             "facility: supply_setpoint (" + kelvin_text(f.supply_setpoint_K) +
                 ") must be below loop.cdu: supply_temperature (" + kelvin_text(l->cdu_supply_K) +
                 "): the CDUs need an approach");
  }
  require_at_least("facility.dry_coolers.count", f.dry_coolers, 1);
  if (given("facility.dry_coolers.rated_heat", f.dry_cooler_rated_heat_W))
    require_positive("facility.dry_coolers.rated_heat", f.dry_cooler_rated_heat_W, "W");
  if (given("facility.dry_coolers.air_flow", f.dry_cooler_air_flow_kg_s))
    require_positive("facility.dry_coolers.air_flow", f.dry_cooler_air_flow_kg_s, "kg/s");
  if (given("facility.dry_coolers.fans", f.dry_cooler_fans))
    require_at_least("facility.dry_coolers.fans", f.dry_cooler_fans, 1);
  if (given("facility.dry_coolers.fan_power", f.dry_cooler_fan_power_W))
    require_positive("facility.dry_coolers.fan_power", f.dry_cooler_fan_power_W, "W");
  require_fraction("facility.dry_coolers.pad_effectiveness", f.pad_effectiveness, true);
  require_positive("facility.dry_coolers.pad_threshold", f.pad_threshold_K, "K");
  require_fraction("facility.dry_coolers.min_fan_speed", f.min_fan_speed, true);
  require_positive("facility.pump.head", f.pump_head_m, "m");
  require_fraction("facility.pump.efficiency", f.pump_efficiency, false);
  check_facility_towers(f);
  if (f.first_hour < 0 || f.first_hour >= kMaxYearHours)
    report("facility.hours.first", "facility.hours: first must lie in 0 .. " +
                                       std::to_string(kMaxYearHours - 1) +
                                       " (hours of the year "
                                       "from 1 January 00:00), got " +
                                       std::to_string(f.first_hour));
  check_facility_pulse(f);
  if (given("facility.hours.count", f.hours)) {
    require_at_least("facility.hours.count", f.hours, 1);
    if (f.hours >= 1 && f.first_hour >= 0 && f.first_hour < kMaxYearHours &&
        f.hours > kMaxYearHours - f.first_hour)
      report("facility.hours.count", "facility.hours: first + count must not exceed " +
                                         std::to_string(kMaxYearHours) + " (a year's hours), got " +
                                         std::to_string(f.first_hour) + " + " +
                                         std::to_string(f.hours));
  }
}

}  // namespace kelvin::parse_detail
