// check_case()'s checks of an air-cooled hall (facility.hall: air_cooled, facility.air_cooling):
// what it is built from (a chiller plant's chilled water at supply_setpoint, the gpus section's
// GPUs in its servers, no loop, no pulse) and the ranges of its servers, heat sink, fans and
// CRAHs. The model these feed is solver/coupling/air_hall.hpp.
#include <cmath>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

const std::string kAir = "facility.air_cooling";

}  // namespace

void Checker::check_air_cooling(const FacilityCase& f) {
  if (failed("facility.hall")) return;  // which hall is unknown
  if (!air_hall()) {
    if (m_case.key_marks.count(kAir))
      report(kAir, "facility: air_cooling describes an air-cooled hall, but hall is " +
                       in_quotes(f.hall) + "; set hall: air_cooled or remove air_cooling");
    return;
  }
  // What the hall is built from.
  if (f.heat_rejection != "chiller" && !failed("facility.heat_rejection"))
    report("facility.heat_rejection",
           "facility: an air-cooled hall takes its chilled water from a chiller plant; set "
           "heat_rejection: chiller");
  if (m_case.loop)
    report("loop",
           "loop: an air-cooled hall's racks are its servers (facility.air_cooling), "
           "cooled by air, not by a coolant loop; remove loop");
  if (!m_case.gpus && !failed("gpus"))
    report("facility.hall",
           "facility: an air-cooled hall's servers carry the case's GPUs; add a \"gpus\" section "
           "(model, and count: the GPUs in one server)");
  if (f.pulse_duration_s != 0 || m_case.key_marks.count("facility.pulse.duration"))
    report("facility.pulse",
           "facility.pulse: a pulse is not available for an air-cooled hall; remove pulse");
  const std::string setpoint = "facility.supply_setpoint";
  if (f.supply_setpoint_K == 0 && !m_case.key_marks.count(setpoint) && !failed(setpoint))
    report(setpoint,
           "facility: an air-cooled hall needs supply_setpoint (the chilled water's supply, e.g. "
           "15 degC): it has no loop to take one from");
  else if (f.supply_setpoint_K > 0 && f.air_supply_K > 0 &&
           !failed(kAir + ".supply_air_temperature") && !(f.supply_setpoint_K < f.air_supply_K))
    report(setpoint, "facility: supply_setpoint (" + kelvin_text(f.supply_setpoint_K) +
                         ") must be below air_cooling: supply_air_temperature (" +
                         kelvin_text(f.air_supply_K) + "): the CRAHs' coils need an approach");

  // The ranges of its values.
  require_at_least(kAir + ".servers_per_rack", f.air_servers_per_rack, 1);
  require_at_least(kAir + ".gpu_rows", f.air_gpu_rows, 1);
  require_non_negative(kAir + ".server_power", f.air_server_power_W, "W");
  require_positive(kAir + ".supply_air_temperature", f.air_supply_K, "K");
  require_fraction(kAir + ".recirculation", f.air_recirculation, true, false);
  require_fraction(kAir + ".bypass", f.air_bypass, true, false);
  require_positive(kAir + ".target_junction", f.air_target_junction_K, "K");
  if (f.air_supply_K > 0 && f.air_target_junction_K > 0 &&
      !(f.air_target_junction_K > f.air_supply_K))
    report(kAir + ".target_junction",
           kAir + ": target_junction (" + kelvin_text(f.air_target_junction_K) +
               ") must be above supply_air_temperature (" + kelvin_text(f.air_supply_K) + ")");
  if (m_case.gpus && f.air_gpu_rows >= 1) {
    const int count = static_cast<int>(m_case.gpus->instances.size());
    if (count % f.air_gpu_rows != 0)
      report("gpus.count", "gpus: count (" + std::to_string(count) +
                               ", the GPUs in one server) must be a multiple of " + kAir +
                               ": gpu_rows (" + std::to_string(f.air_gpu_rows) + ")");
    // Each column of sinks takes gpu_flow_share of the server's air; together at most all of it.
    const int columns = count / f.air_gpu_rows;
    if (count % f.air_gpu_rows == 0 && f.air_gpu_flow_share > 0 &&
        columns * f.air_gpu_flow_share > 1 + 1e-12)
      report(kAir + ".server_fans.gpu_flow_share",
             kAir + ".server_fans: gpu_flow_share (" + num(f.air_gpu_flow_share) + ") times the " +
                 std::to_string(columns) + " columns of GPU sinks exceeds the server's air");
  }

  const std::string sink = kAir + ".heat_sink";
  require_at_least(sink + ".fins", f.air_sink_fins, 2);
  require_positive(sink + ".fin_height", f.air_sink_fin_height_m, "m");
  require_positive(sink + ".fin_thickness", f.air_sink_fin_thickness_m, "m");
  require_positive(sink + ".fin_spacing", f.air_sink_fin_spacing_m, "m");
  require_positive(sink + ".length", f.air_sink_length_m, "m");
  require_positive(sink + ".conductivity", f.air_sink_conductivity_W_mK, "W/m/K");
  require_non_negative(sink + ".junction_to_case", f.air_junction_to_case_K_W, "K/W");
  require_non_negative(sink + ".interface", f.air_sink_interface_K_W, "K/W");

  const std::string fans = kAir + ".server_fans";
  require_positive(fans + ".flow", f.air_fan_flow_m3_s, "m^3/s");
  require_positive(fans + ".pressure", f.air_fan_pressure_Pa, "Pa");
  require_positive(fans + ".shutoff_pressure", f.air_fan_shutoff_Pa, "Pa");
  if (f.air_fan_pressure_Pa > 0 && f.air_fan_shutoff_Pa > 0 &&
      !(f.air_fan_pressure_Pa < f.air_fan_shutoff_Pa))
    report(fans + ".pressure", fans + ": pressure (" + num(f.air_fan_pressure_Pa) +
                                   " Pa, at full flow) must be below shutoff_pressure (" +
                                   num(f.air_fan_shutoff_Pa) + " Pa)");
  require_non_negative(fans + ".power", f.air_fan_power_W, "W");
  require_fraction(fans + ".min_speed", f.air_fan_min_speed, false, true);
  require_fraction(fans + ".gpu_flow_share", f.air_gpu_flow_share, false, true);

  const std::string crah = kAir + ".crah";
  if (f.air_crahs == 0 && !m_case.key_marks.count(crah + ".count"))
    report(crah + ".count",
           crah + ": count is required for an air-cooled hall (the hall's CRAHs, e.g. 12)");
  else
    require_at_least(crah + ".count", f.air_crahs, 1);
  require_positive(crah + ".rated_heat", f.air_crah_rated_heat_W, "W");
  require_positive(crah + ".air_flow", f.air_crah_air_flow_kg_s, "kg/s");
  require_positive(crah + ".water_flow", f.air_crah_water_flow_kg_s, "kg/s");
  require_positive(crah + ".rated_air_inlet", f.air_crah_rated_air_inlet_K, "K");
  require_positive(crah + ".rated_water_inlet", f.air_crah_rated_water_inlet_K, "K");
  if (f.air_crah_rated_water_inlet_K > 0 && f.air_crah_rated_air_inlet_K > 0 &&
      !(f.air_crah_rated_water_inlet_K < f.air_crah_rated_air_inlet_K))
    report(crah + ".rated_water_inlet", crah + ": rated_water_inlet (" +
                                            kelvin_text(f.air_crah_rated_water_inlet_K) +
                                            ") must be below rated_air_inlet (" +
                                            kelvin_text(f.air_crah_rated_air_inlet_K) + ")");
  require_positive(crah + ".fan_power", f.air_crah_fan_power_W, "W");
  require_fraction(crah + ".air_side_share", f.air_crah_air_side_share, false, false);
}

}  // namespace kelvin::parse_detail
