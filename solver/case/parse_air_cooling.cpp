// The air-cooled hall's mapping (facility.air_cooling, read when it is given; hall: air_cooled
// is what makes it run): its servers, one GPU's heat sink, a server's fans and the hall's CRAHs.
// Values are checked in check_air_cooling.cpp; the defaults are FacilityCase's.
#include <algorithm>

#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

using Kind = FacilityField::Kind;

// Every air_cooling default is a real value (not 0 for "the model's"), so a given 0 is read as
// written and the resolved case writes every value back.
FacilityField quantity_field(const char* section, const char* key, Dimension d,
                             double FacilityCase::*member) {
  return {section, key, Kind::Quantity, d, member, nullptr, false};
}
FacilityField mass_flow_field(const char* section, const char* key, double FacilityCase::*member) {
  return {section, key, Kind::MassFlow, Dimension::Dimensionless, member, nullptr, false};
}
FacilityField integer_field(const char* section, const char* key, int FacilityCase::*member) {
  return {section, key, Kind::Integer, Dimension::Dimensionless, nullptr, member, false};
}

constexpr const char* kOwn = "air_cooling";
constexpr const char* kSink = "air_cooling.heat_sink";
constexpr const char* kFans = "air_cooling.server_fans";
constexpr const char* kCrah = "air_cooling.crah";

}  // namespace

const std::vector<FacilityField>& air_cooling_fields() {
  using F = FacilityCase;
  using D = Dimension;
  static const std::vector<FacilityField> fields{
      integer_field(kOwn, "servers_per_rack", &F::air_servers_per_rack),
      integer_field(kOwn, "gpu_rows", &F::air_gpu_rows),
      quantity_field(kOwn, "server_power", D::Power, &F::air_server_power_W),
      quantity_field(kOwn, "supply_air_temperature", D::Temperature, &F::air_supply_K),
      quantity_field(kOwn, "recirculation", D::Dimensionless, &F::air_recirculation),
      quantity_field(kOwn, "bypass", D::Dimensionless, &F::air_bypass),
      quantity_field(kOwn, "target_junction", D::Temperature, &F::air_target_junction_K),
      integer_field(kSink, "fins", &F::air_sink_fins),
      quantity_field(kSink, "fin_height", D::Length, &F::air_sink_fin_height_m),
      quantity_field(kSink, "fin_thickness", D::Length, &F::air_sink_fin_thickness_m),
      quantity_field(kSink, "fin_spacing", D::Length, &F::air_sink_fin_spacing_m),
      quantity_field(kSink, "length", D::Length, &F::air_sink_length_m),
      quantity_field(kSink, "conductivity", D::Conductivity, &F::air_sink_conductivity_W_mK),
      quantity_field(kSink, "junction_to_case", D::ThermalResistance, &F::air_junction_to_case_K_W),
      quantity_field(kSink, "interface", D::ThermalResistance, &F::air_sink_interface_K_W),
      quantity_field(kFans, "flow", D::VolumeFlowRate, &F::air_fan_flow_m3_s),
      quantity_field(kFans, "pressure", D::Pressure, &F::air_fan_pressure_Pa),
      quantity_field(kFans, "shutoff_pressure", D::Pressure, &F::air_fan_shutoff_Pa),
      quantity_field(kFans, "power", D::Power, &F::air_fan_power_W),
      quantity_field(kFans, "min_speed", D::Dimensionless, &F::air_fan_min_speed),
      quantity_field(kFans, "gpu_flow_share", D::Dimensionless, &F::air_gpu_flow_share),
      integer_field(kCrah, "count", &F::air_crahs),
      quantity_field(kCrah, "rated_heat", D::Power, &F::air_crah_rated_heat_W),
      mass_flow_field(kCrah, "air_flow", &F::air_crah_air_flow_kg_s),
      mass_flow_field(kCrah, "water_flow", &F::air_crah_water_flow_kg_s),
      quantity_field(kCrah, "rated_air_inlet", D::Temperature, &F::air_crah_rated_air_inlet_K),
      quantity_field(kCrah, "rated_water_inlet", D::Temperature, &F::air_crah_rated_water_inlet_K),
      quantity_field(kCrah, "fan_power", D::Power, &F::air_crah_fan_power_W),
      quantity_field(kCrah, "air_side_share", D::Dimensionless, &F::air_crah_air_side_share),
  };
  return fields;
}

const std::vector<std::string>& air_cooling_sections() {
  static const std::vector<std::string> sections{kSink, kFans, kCrah};
  return sections;
}

void Parser::parse_air_cooling(const YAML::Node& n, FacilityCase& f) {
  const std::string own = kOwn;
  const Context ctx{"facility." + own, "facility." + own};
  // Its mappings are written by their last name ("crah"); the table names them in full.
  const auto section_of = [&](const std::string& key) { return own + "." + key; };
  std::vector<std::string> keys;
  for (const auto& field : air_cooling_fields())
    if (own == field.section) keys.push_back(field.key);
  for (const auto& section : air_cooling_sections()) keys.push_back(section.substr(own.size() + 1));
  walk(n, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
    const auto& sections = air_cooling_sections();
    if (std::find(sections.begin(), sections.end(), section_of(k)) != sections.end()) {
      parse_facility_section(v, section_of(k), air_cooling_fields(), f);
      return;
    }
    for (const auto& field : air_cooling_fields())
      if (own == field.section && k == field.key) read_facility_field(field, v, ctx, f);
  });
}

}  // namespace kelvin::parse_detail
