// check_case()'s checks of the facility's cooling towers, plate exchanger and chillers
// (facility.cooling_towers, facility.plate_exchanger, facility.chillers).
#include <cmath>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

void Checker::check_facility_towers(const FacilityCase& f) {
  const auto given = [&](const std::string& path, double v) {
    return v != 0 || m_case.key_marks.count(path) > 0;
  };
  const auto positive = [&](const std::string& path, const std::string& what, double v,
                            const char* unit) {
    if (given(path, v) && !(v > 0 && std::isfinite(v)))
      report(path, what + " must be positive, got " + num(v) + " " + unit);
  };
  const std::string t = "facility.cooling_towers", T = "facility.cooling_towers: ";
  if (f.cooling_towers < 1)
    report(t + ".count", T + "count must be at least 1, got " + std::to_string(f.cooling_towers));
  positive(t + ".rated_water_flow", T + "rated_water_flow", f.tower_rated_water_flow_kg_s, "kg/s");
  positive(t + ".rated_air_flow", T + "rated_air_flow", f.tower_rated_air_flow_kg_s, "kg/s");
  positive(t + ".fan_power", T + "fan_power", f.tower_fan_power_W, "W");
  // The rating needs a range (inlet above outlet) and an approach (outlet above the wet bulb);
  // an absent temperature is CoolingTowerRating's CTI default (35, 29.44, 25.56 degC).
  const double in = f.tower_rated_inlet_K > 0 ? f.tower_rated_inlet_K : 308.15;
  const double out = f.tower_rated_outlet_K > 0 ? f.tower_rated_outlet_K : 273.15 + 29.444;
  const double wb = f.tower_rated_wet_bulb_K > 0 ? f.tower_rated_wet_bulb_K : 273.15 + 25.556;
  if (!(out < in))
    report(t + ".rated_outlet_temperature", T + "rated_outlet_temperature (" + kelvin_text(out) +
                                                ") must be below rated_inlet_temperature (" +
                                                kelvin_text(in) + ")");
  else if (!(out > wb))
    report(t + ".rated_outlet_temperature", T + "rated_outlet_temperature (" + kelvin_text(out) +
                                                ") must be above rated_wet_bulb (" +
                                                kelvin_text(wb) + "): a tower needs an approach");
  if (!(f.tower_drift_fraction >= 0 && f.tower_drift_fraction < 1))
    report(t + ".drift",
           T + "drift must lie in [0, 1) (a fraction of the circulating water), got " +
               num(f.tower_drift_fraction));
  if (!(f.tower_cycles_of_concentration > 1 && std::isfinite(f.tower_cycles_of_concentration)))
    report(t + ".cycles_of_concentration", T +
                                               "cycles_of_concentration must be above 1 (blowdown "
                                               "= evaporation / (cycles - 1)), got " +
                                               num(f.tower_cycles_of_concentration));
  if (!(f.tower_min_fan_speed > 0 && f.tower_min_fan_speed <= 1))
    report(t + ".min_fan_speed",
           T + "min_fan_speed must lie in (0, 1], got " + num(f.tower_min_fan_speed));
  if (!(f.tower_pump_head_m > 0 && std::isfinite(f.tower_pump_head_m)))
    report(t + ".pump_head",
           T + "pump_head must be positive, got " + num(f.tower_pump_head_m) + " m");
  if (!(f.exchanger_approach_K > 0 && std::isfinite(f.exchanger_approach_K)))
    report("facility.plate_exchanger.approach",
           "facility.plate_exchanger: approach must be positive, got " +
               num(f.exchanger_approach_K) + " K");
  if (!(f.table_span_K >= 1 && std::isfinite(f.table_span_K)))
    report("facility.table_span",
           "facility: table_span must be at least 1 K (the rack table's "
           "points lie 2 K apart, halved where needed), got " +
               num(f.table_span_K) + " K");
  if (f.chillers < 1)
    report("facility.chillers.count",
           "facility.chillers: count must be at least 1, got " + std::to_string(f.chillers));
  positive("facility.chillers.capacity", "facility.chillers: capacity", f.chiller_capacity_W, "W");
  positive("facility.chillers.cop", "facility.chillers: cop", f.chiller_cop, "");
  if (f.heat_rejection == "chiller" && f.chiller_capacity_W == 0 &&
      m_case.key_marks.count("facility.chillers.capacity") == 0)
    report(
        "facility.heat_rejection", f.mark,
        "facility: heat_rejection chiller needs chillers: capacity (each chiller's, e.g. 1.76 MW)");
}

}  // namespace kelvin::parse_detail
