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

/// "facility.pump: head" of "facility.pump.head", "facility: racks" of "facility.racks".
std::string owner_key(const std::string& path) {
  const auto dot = path.rfind('.');
  return path.substr(0, dot) + ": " + path.substr(dot + 1);
}

/// "308.15 K (35 degC)".
std::string kelvin_text(double T) { return num(T) + " K (" + num(T - 273.15) + " degC)"; }

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
  const auto positive = [&](const std::string& path, double v, const char* unit) {
    if (!(v > 0 && std::isfinite(v)))
      report(path, owner_key(path) + " must be positive, got " + num(v) + " " + unit);
  };
  const auto fraction = [&](const std::string& path, double v, bool zero_allowed) {
    if (!((zero_allowed ? v >= 0 : v > 0) && v <= 1))
      report(path, owner_key(path) + " must lie in " + (zero_allowed ? "[0, 1]" : "(0, 1]") +
                       ", got " + num(v));
  };
  const auto at_least = [&](const std::string& path, int v, int lo) {
    if (v < lo)
      report(path, owner_key(path) + " must be at least " + std::to_string(lo) + ", got " +
                       std::to_string(v));
  };
  at_least("facility.racks", f.racks, 1);
  if (given("facility.supply_setpoint", f.supply_setpoint_K)) {
    positive("facility.supply_setpoint", f.supply_setpoint_K, "K");
    // The CDUs need an approach: facility water colder than the secondary supply it cools.
    const LoopCase* l = m_case.loop ? &*m_case.loop : nullptr;
    if (f.supply_setpoint_K > 0 && l && !failed("loop.cdu.supply_temperature") &&
        !(f.supply_setpoint_K < l->cdu_supply_K))
      report("facility.supply_setpoint",
             "facility: supply_setpoint (" + kelvin_text(f.supply_setpoint_K) +
                 ") must be below loop.cdu: supply_temperature (" + kelvin_text(l->cdu_supply_K) +
                 "): the CDUs need an approach");
  }
  at_least("facility.dry_coolers.count", f.dry_coolers, 1);
  if (given("facility.dry_coolers.rated_heat", f.dry_cooler_rated_heat_W))
    positive("facility.dry_coolers.rated_heat", f.dry_cooler_rated_heat_W, "W");
  if (given("facility.dry_coolers.air_flow", f.dry_cooler_air_flow_kg_s))
    positive("facility.dry_coolers.air_flow", f.dry_cooler_air_flow_kg_s, "kg/s");
  if (given("facility.dry_coolers.fans", f.dry_cooler_fans))
    at_least("facility.dry_coolers.fans", f.dry_cooler_fans, 1);
  if (given("facility.dry_coolers.fan_power", f.dry_cooler_fan_power_W))
    positive("facility.dry_coolers.fan_power", f.dry_cooler_fan_power_W, "W");
  fraction("facility.dry_coolers.pad_effectiveness", f.pad_effectiveness, true);
  positive("facility.dry_coolers.pad_threshold", f.pad_threshold_K, "K");
  fraction("facility.dry_coolers.min_fan_speed", f.min_fan_speed, true);
  positive("facility.pump.head", f.pump_head_m, "m");
  fraction("facility.pump.efficiency", f.pump_efficiency, false);
  check_facility_towers(f);
  if (f.first_hour < 0 || f.first_hour >= kMaxYearHours)
    report("facility.hours.first", "facility.hours: first must lie in 0 .. " +
                                       std::to_string(kMaxYearHours - 1) +
                                       " (hours of the year "
                                       "from 1 January 00:00), got " +
                                       std::to_string(f.first_hour));
  check_facility_pulse(f);
  if (given("facility.hours.count", f.hours)) {
    at_least("facility.hours.count", f.hours, 1);
    if (f.hours >= 1 && f.first_hour >= 0 && f.first_hour < kMaxYearHours &&
        f.hours > kMaxYearHours - f.first_hour)
      report("facility.hours.count", "facility.hours: first + count must not exceed " +
                                         std::to_string(kMaxYearHours) + " (a year's hours), got " +
                                         std::to_string(f.first_hour) + " + " +
                                         std::to_string(f.hours));
  }
}

}  // namespace kelvin::parse_detail
