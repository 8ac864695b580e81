#pragma once
// The synthetic rack the facility-hour tests share: 100 kW of IT a rack at any facility water
// temperature, its CDU valve giving it 3 kg/s of water below 30 degC and opening 5 % a kelvin
// above (a warmer supply needs more flow), 250 W of CDU pumps, tabulated every kelvin from 15 to
// 55 degC.
#include <algorithm>
#include <vector>

#include "solver/coupling/facility_plant.hpp"

namespace kelvin_test {

/// duty_W: what the rack's CDU puts into the facility water (the rest of the IT heat leaves to
/// the room).
inline kelvin::RackResponseTable synthetic_rack_table(double duty_W = 1e5) {
  std::vector<kelvin::RackResponse> p;
  for (double t = 15; t <= 55 + 1e-9; t += 1.0) {
    kelvin::RackResponse r;
    r.facility_inlet_K = 273.15 + t;
    r.it_W = r.gpu_W = 1e5;
    r.duty_W = duty_W;
    r.facility_flow_kg_s = 3.0 * (1 + 0.05 * std::max(0.0, t - 30));
    r.cdu_pumps_W = 250;
    r.tokens_per_s = r.unthrottled_tokens_per_s = 1e5;
    p.push_back(r);
  }
  return kelvin::RackResponseTable(p);
}

}  // namespace kelvin_test
