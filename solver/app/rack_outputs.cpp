// The loop's figures for summary.json and the time series. See rack_outputs.hpp.
#include "solver/app/rack_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "solver/loop/enthalpy.hpp"

namespace kelvin {

using json = nlohmann::json;

namespace {

double node_T(const LoopTransient& loop, const std::string& name) {
  const auto& nodes = loop.setup().net.nodes;
  for (std::size_t n = 0; n < nodes.size(); ++n)
    if (nodes[n].name == name) return loop.node_temperature_K()[n];
  return std::nan("");
}

double node_p(const LoopTransient& loop, const std::string& name) {
  const auto& nodes = loop.setup().net.nodes;
  for (std::size_t n = 0; n < nodes.size(); ++n)
    if (nodes[n].name == name) return loop.hydraulics().pressure_Pa[n];
  return std::nan("");
}

/// A plate's outlet: h(T_in) + q / m (mass flow at the network's reference density).
double plate_outlet_K(const LoopTransient& loop, double t_in, double q_m3_s, double heat_W) {
  const Network& net = loop.setup().net;
  const double m = std::abs(q_m3_s) * net.coolant.density(net.temperature_K);
  if (!(m > 0)) return t_in;
  return coolant_temperature(net.coolant, coolant_enthalpy(net.coolant, t_in) + heat_W / m, t_in);
}

/// The coolant's state in link k, at its temperature (the network's when it has none).
FluidState link_fluid(const Network& net, std::size_t k) {
  const double t = std::isnan(net.links[k].temperature_K) ? net.temperature_K : net.links[k].temperature_K;
  return {net.coolant.density(t), net.coolant.viscosity(t)};
}

json plates_json(const RackNetwork& rack, const LoopTransient& loop,
                 const std::vector<double>& heat) {
  const LoopTransientSetup& s = loop.setup();
  const auto& h = loop.hydraulics();
  json plates = json::array();
  for (int i = 0; i < rack.gpus; ++i) {
    const std::size_t k = static_cast<std::size_t>(s.plates[static_cast<std::size_t>(i)]);
    const int up = loop.upstream_node(static_cast<int>(k));
    const double t_in = loop.node_temperature_K()[static_cast<std::size_t>(up)];
    const double q = h.flow_m3_s[k];
    plates.push_back({{"link", s.net.links[k].name},
                      {"flow_m3_s", q},
                      {"pressure_drop_Pa",
                       plate_branch_loss(std::get<PlateBranch>(s.net.links[k].component), q,
                                         link_fluid(s.net, k)).dp_Pa},
                      {"inlet_temperature_K", t_in},
                      {"outlet_temperature_K", plate_outlet_K(loop, t_in, q, heat[i])},
                      {"heat_W", heat[i]}});
  }
  return plates;
}

json branches_json(const RackNetwork& rack, const LoopTransient& loop) {
  const auto& h = loop.hydraulics();
  json branches = json::array();
  int sw = 0;
  for (std::size_t p = 0; p < rack.tray_of_position.size(); ++p) {
    const int t = rack.tray_of_position[p];
    const std::string tag = t >= 0 ? fmt::format("tray{}", t) : fmt::format("switch{}", sw++);
    const double q = h.flow_m3_s[static_cast<std::size_t>(
        t >= 0 ? rack.qd_supply[static_cast<std::size_t>(t)]
               : rack.setup.plates[static_cast<std::size_t>(rack.gpus + sw - 1)])];
    branches.push_back(
        {{"name", tag},
         {"position", p},
         {"compute_tray", t},
         {"flow_m3_s", q},
         {"pressure_drop_Pa", node_p(loop, fmt::format("sup_{}", p)) - node_p(loop, fmt::format("ret_{}", p))},
         {"inlet_temperature_K", node_T(loop, tag + "_in")},
         {"outlet_temperature_K", node_T(loop, tag + "_qr")}});
  }
  return branches;
}

/// max/min, max/mean - 1 and min/mean - 1 of the GPU plates' flows.
json maldistribution_json(const json& plates) {
  std::vector<double> q;
  for (const auto& p : plates) q.push_back(std::abs(p["flow_m3_s"].get<double>()));
  if (q.empty()) return json::object();
  const auto [lo, hi] = std::minmax_element(q.begin(), q.end());
  const double mean = std::accumulate(q.begin(), q.end(), 0.0) / static_cast<double>(q.size());
  return {{"max_over_min", *hi / *lo}, {"max_over_mean", *hi / mean - 1}, {"min_over_mean", *lo / mean - 1}};
}

}  // namespace

json loop_json(const RackNetwork& rack, const LoopTransient& loop, const std::vector<double>& heat) {
  const LoopSample& s = loop.history().back();
  const LoopTransientSetup& su = loop.setup();
  json pumps = json::array();
  double electrical = 0;
  for (std::size_t i = 0; i < s.pump_speed.size(); ++i) {
    pumps.push_back({{"name", su.net.links[static_cast<std::size_t>(su.cdu.pumps[i])].name},
                     {"speed", s.pump_speed[i]},
                     {"flow_m3_s", s.pump_flow_m3_s[i]},
                     {"electrical_W", s.pump_electrical_W[i]}});
    electrical += s.pump_electrical_W[i];
  }
  const json plates = plates_json(rack, loop, heat);
  return {{"supply_temperature_K", s.supply_K},
          {"return_temperature_K", s.return_K},
          {"differential_pressure_Pa", s.dp_Pa},
          {"dp_setpoint_Pa", su.control.dp_setpoint_Pa},
          {"pumps", pumps},
          {"pump_electrical_W", electrical},
          {"cdu", {{"duty_W", s.cdu_heat_W},
                   {"approach_K", s.supply_K - su.design.facility_supply_K},
                   {"facility_supply_temperature_K", su.design.facility_supply_K},
                   {"facility_return_temperature_K", s.facility_return_K},
                   {"facility_valve_opening", s.facility_opening},
                   {"rated_heat_W", su.design.rated_heat_W},
                   {"rated_ua_W_K", su.rating.ua_W_K}}},
          {"branches", branches_json(rack, loop)},
          {"plates", plates},
          {"maldistribution", maldistribution_json(plates)}};
}

std::string plate_fit_line(const PlateFit& fit) {
  return fmt::format(
      "kelvin: reduced plate from {} 3-D runs: R_j = {:.4g} + {:.4g} (Q/Q0)^-{:.3f} K/W; fit error "
      "{:.2g} % (held out {:.2g} %), dp {:.2g} % (held out {:.2g} %)",
      fit.thermal_solves, fit.plate.junction.r0, fit.plate.junction.c, fit.plate.junction.n,
      100 * fit.plate.fit_error.junction, 100 * fit.held_out_error.junction,
      100 * fit.plate.fit_error.dp, 100 * fit.held_out_error.dp);
}

json plate_fit_json(const PlateFit& f) {
  const ReducedPlate& p = f.plate;
  const auto law = [](const ResistanceLaw& r) {
    return json{{"r0_K_W", r.r0}, {"c_K_W", r.c}, {"n", r.n}, {"q_ref_m3_s", r.q_ref}};
  };
  const auto errors = [](const FitErrors& e) {
    return json{{"junction", e.junction}, {"hbm", e.hbm}, {"pressure_drop", e.dp}};
  };
  const auto runs = [](const std::vector<PlateRun>& rs) {
    json a = json::array();
    for (const PlateRun& r : rs)
      a.push_back({{"flow_m3_s", r.flow_m3_s}, {"inlet_temperature_K", r.inlet_K},
                   {"power_W", r.power_W}, {"junction_temperature_K", r.junction_K},
                   {"hbm_temperature_K", r.hbm_K}, {"pressure_drop_Pa", r.dp_Pa}});
    return a;
  };
  json j = {{"design_flow_m3_s", f.design_flow_m3_s},
            {"power_W", f.power_W},
            {"junction_resistance", law(p.junction)},
            {"pressure_drop_law", {{"a_Pa_s_m3", p.dp_law.a_Pa_s_m3}, {"b_Pa_s2_m6", p.dp_law.b_Pa_s2_m6}}},
            {"fit_error", errors(p.fit_error)},
            {"held_out_error", errors(f.held_out_error)},
            {"runs", runs(f.runs)},
            {"held_out_runs", runs(f.held_out)},
            {"thermal_solves", f.thermal_solves}};
  if (p.has_hbm) j["hbm_resistance"] = law(p.hbm);
  if (!f.response_time_s.empty())
    j["step_response"] = {{"weights", p.junction_response.weight},
                          {"time_constants_s", p.junction_response.tau_s},
                          {"max_error", p.response_error},
                          {"cells", f.cells}};
  return j;
}

std::vector<std::string> loop_series_header(const RackNetwork& rack, const Case& c) {
  std::vector<std::string> h{"loop_supply_K", "loop_return_K", "loop_dp_Pa",
                             "cdu_heat_W", "facility_valve_opening", "facility_return_K"};
  const std::size_t pumps = rack.setup.cdu.pumps.size();
  for (std::size_t i = 0; i < pumps; ++i) {
    h.push_back(fmt::format("pump{}_speed", i));
    h.push_back(fmt::format("pump{}_electrical_W", i));
  }
  for (int i = 0; i < rack.gpus; ++i) {
    h.push_back(c.gpus->instances[static_cast<std::size_t>(i)].name + "_plate_flow_m3_s");
    h.push_back(c.gpus->instances[static_cast<std::size_t>(i)].name + "_inlet_K");
  }
  return h;
}

std::vector<double> loop_series_row(const RackNetwork& rack, const LoopTransient& loop) {
  const LoopSample& s = loop.history().back();
  std::vector<double> r{s.supply_K, s.return_K, s.dp_Pa, s.cdu_heat_W, s.facility_opening,
                        s.facility_return_K};
  for (std::size_t i = 0; i < s.pump_speed.size(); ++i) {
    r.push_back(s.pump_speed[i]);
    r.push_back(s.pump_electrical_W[i]);
  }
  for (int i = 0; i < rack.gpus; ++i) {
    r.push_back(s.plate_flow_m3_s[static_cast<std::size_t>(i)]);
    r.push_back(s.plate_inlet_K[static_cast<std::size_t>(i)]);
  }
  return r;
}

}  // namespace kelvin
