// The facility section: a case's racks on one facility water loop cooled by dry coolers, run
// hour by hour over a weather year. Values are checked in check_facility.cpp. The air-cooled
// hall's air_cooling mapping is read in parse_air_cooling.cpp.
#include <algorithm>
#include <filesystem>

#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

using Kind = FacilityField::Kind;

FacilityField quantity_field(const char* section, const char* key, Dimension d,
                             double FacilityCase::*member, bool zero_is_default = false) {
  return {section, key, Kind::Quantity, d, member, nullptr, zero_is_default};
}
FacilityField mass_flow_field(const char* section, const char* key, double FacilityCase::*member) {
  return {section, key, Kind::MassFlow, Dimension::Dimensionless, member, nullptr, true};
}
FacilityField integer_field(const char* section, const char* key, int FacilityCase::*member,
                            bool zero_is_default = false) {
  return {section, key, Kind::Integer, Dimension::Dimensionless, nullptr, member, zero_is_default};
}

}  // namespace

const std::vector<FacilityField>& facility_fields() {
  using F = FacilityCase;
  static const std::vector<FacilityField> fields{
      integer_field("", "racks", &F::racks),
      quantity_field("", "supply_setpoint", Dimension::Temperature, &F::supply_setpoint_K, true),
      quantity_field("", "ambient_offset", Dimension::TemperatureDifference, &F::ambient_offset_K, true),
      integer_field("dry_coolers", "count", &F::dry_coolers),
      quantity_field("dry_coolers", "rated_heat", Dimension::Power, &F::dry_cooler_rated_heat_W,
                     true),
      mass_flow_field("dry_coolers", "air_flow", &F::dry_cooler_air_flow_kg_s),
      integer_field("dry_coolers", "fans", &F::dry_cooler_fans, true),
      quantity_field("dry_coolers", "fan_power", Dimension::Power, &F::dry_cooler_fan_power_W,
                     true),
      quantity_field("dry_coolers", "pad_effectiveness", Dimension::Dimensionless,
                     &F::pad_effectiveness),
      quantity_field("dry_coolers", "pad_threshold", Dimension::Temperature, &F::pad_threshold_K),
      quantity_field("dry_coolers", "min_fan_speed", Dimension::Dimensionless, &F::min_fan_speed),
      quantity_field("pump", "head", Dimension::Length, &F::pump_head_m),
      quantity_field("pump", "efficiency", Dimension::Dimensionless, &F::pump_efficiency),
      quantity_field("", "table_span", Dimension::TemperatureDifference, &F::table_span_K),
      integer_field("cooling_towers", "count", &F::cooling_towers),
      mass_flow_field("cooling_towers", "rated_water_flow", &F::tower_rated_water_flow_kg_s),
      mass_flow_field("cooling_towers", "rated_air_flow", &F::tower_rated_air_flow_kg_s),
      quantity_field("cooling_towers", "rated_inlet_temperature", Dimension::Temperature,
                     &F::tower_rated_inlet_K, true),
      quantity_field("cooling_towers", "rated_outlet_temperature", Dimension::Temperature,
                     &F::tower_rated_outlet_K, true),
      quantity_field("cooling_towers", "rated_wet_bulb", Dimension::Temperature,
                     &F::tower_rated_wet_bulb_K, true),
      quantity_field("cooling_towers", "fan_power", Dimension::Power, &F::tower_fan_power_W, true),
      quantity_field("cooling_towers", "drift", Dimension::Dimensionless, &F::tower_drift_fraction),
      quantity_field("cooling_towers", "cycles_of_concentration", Dimension::Dimensionless,
                     &F::tower_cycles_of_concentration),
      quantity_field("cooling_towers", "min_fan_speed", Dimension::Dimensionless,
                     &F::tower_min_fan_speed),
      quantity_field("cooling_towers", "pump_head", Dimension::Length, &F::tower_pump_head_m),
      quantity_field("plate_exchanger", "approach", Dimension::TemperatureDifference,
                     &F::exchanger_approach_K),
      integer_field("chillers", "count", &F::chillers),
      quantity_field("chillers", "capacity", Dimension::Power, &F::chiller_capacity_W, true),
      quantity_field("chillers", "cop", Dimension::Dimensionless, &F::chiller_cop, true),
      integer_field("hours", "first", &F::first_hour),
      integer_field("hours", "count", &F::hours, true),
      integer_field("pulse", "hour", &F::pulse_hour),
      quantity_field("pulse", "duration", Dimension::Time, &F::pulse_duration_s, true),
      quantity_field("pulse", "iteration_time", Dimension::Time, &F::pulse_iteration_time_s),
      quantity_field("pulse", "compute_fraction", Dimension::Dimensionless, &F::pulse_compute_fraction),
      quantity_field("pulse", "communication_activity", Dimension::Dimensionless,
                     &F::pulse_communication_activity),
  };
  return fields;
}

const std::vector<std::string>& facility_sections() {
  static const std::vector<std::string> sections{"dry_coolers", "cooling_towers", "plate_exchanger", "chillers", "pump", "hours", "pulse"};
  return sections;
}

void Parser::parse_facility(const YAML::Node& n) {
  const Context ctx{"facility", "facility"};
  FacilityCase f;
  f.mark = mark(n);
  std::vector<std::string> keys{"weather", "heat_rejection", "hall", "air_cooling"};
  for (const auto& field : facility_fields())
    if (!*field.section) keys.push_back(field.key);
  keys.insert(keys.end(), facility_sections().begin(), facility_sections().end());
  const auto seen = walk(n, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
    if (k == "weather") {
      // Relative to the case file's folder, stored absolute: the run may start elsewhere, and
      // the resolved case must name the same file wherever it is read.
      if (auto s = text(v, k, ctx)) {
        namespace fs = std::filesystem;
        fs::path p(*s);
        if (p.is_relative()) p = fs::path(m_file).parent_path() / p;
        std::error_code ec;
        const fs::path abs = fs::absolute(p, ec);
        f.weather_file = (ec ? p : abs).lexically_normal().string();
      }
    } else if (k == "heat_rejection") {
      const auto s = text(v, k, ctx);
      if (!s) return;
      if (*s == "dry_cooler" || *s == "cooling_tower" || *s == "chiller") {
        f.heat_rejection = *s;
      } else {
        error(v, ctx.key_desc(k) + ": " + in_quotes(*s) +
                     ": expected dry_cooler, cooling_tower or chiller" +
                     did_you_mean(*s, {"dry_cooler", "cooling_tower", "chiller"}));
        fail(ctx.key_path(k));
      }
    } else if (k == "hall") {
      const auto s = text(v, k, ctx);
      if (!s) return;
      if (*s == "liquid" || *s == "air_cooled") {
        f.hall = *s;
      } else {
        error(v, ctx.key_desc(k) + ": " + in_quotes(*s) + ": expected liquid or air_cooled" +
                     did_you_mean(*s, {"liquid", "air_cooled"}));
        fail(ctx.key_path(k));
      }
    } else if (k == "air_cooling") {
      parse_air_cooling(v, f);
    } else if (std::find(facility_sections().begin(), facility_sections().end(), k) !=
               facility_sections().end()) {
      parse_facility_section(v, k, facility_fields(), f);
    } else {
      for (const auto& field : facility_fields())
        if (!*field.section && k == field.key) read_facility_field(field, v, ctx, f);
    }
  });
  require(seen, {"weather"}, n, ctx);
  m_case.facility = f;
}

void Parser::parse_facility_section(const YAML::Node& n, const std::string& section,
                                    const std::vector<FacilityField>& fields, FacilityCase& f) {
  const Context ctx{"facility." + section, "facility." + section};
  std::vector<std::string> keys;
  for (const auto& field : fields)
    if (section == field.section) keys.push_back(field.key);
  walk(n, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
    for (const auto& field : fields)
      if (section == field.section && k == field.key) read_facility_field(field, v, ctx, f);
  });
}

void Parser::read_facility_field(const FacilityField& field, const YAML::Node& v,
                                 const Context& ctx, FacilityCase& f) {
  const std::string key = field.key;
  switch (field.kind) {
    case Kind::Quantity:
      if (auto x = quantity(v, field.dim, key, ctx)) f.*field.number = *x;
      return;
    case Kind::MassFlow:
      // units.hpp has no mass flow dimension: a bare number is SI (kg/s), a unit is converted.
      if (auto x = quantity_in(v, "kg/s", 1, "a mass flow rate", key, ctx)) f.*field.number = *x;
      return;
    case Kind::Integer:
      if (auto i = integer(v, key, ctx)) f.*field.integer = *i;
      return;
  }
}

}  // namespace kelvin::parse_detail
