#include "solver/coupling/rack_network.hpp"

#include <cmath>

#include <fmt/format.h>

#include "solver/loop/gga.hpp"

namespace kelvin {

namespace {

/// What the builder carries while it adds nodes and links.
struct Builder {
  Network net;
  std::vector<std::array<double, 3>> xyz;
  int node(const std::string& name, double x, double y, double z) {
    xyz.push_back({x, y, z});
    return net.add_junction(name, z);
  }
};

/// Rack positions: compute trays from the bottom, the switch trays after switch_after_tray.
std::vector<int> tray_order(const LoopCase& l) {
  const int after = l.switch_after_tray > 0 ? l.switch_after_tray : (l.trays + 1) / 2;
  std::vector<int> order;
  for (int t = 0; t < l.trays; ++t) {
    if (t == after)
      for (int s = 0; s < l.switch_trays; ++s) order.push_back(-1);
    order.push_back(t);
  }
  if (after >= l.trays)
    for (int s = 0; s < l.switch_trays; ++s) order.push_back(-1);
  return order;
}

constexpr double kManifoldX = 0.9;  // manifolds at the back of a 1 m deep tray, m
constexpr double kReturnY = 0.15;   // return header beside the supply header, m

}  // namespace

CduDesign loop_cdu_design(const LoopCase& l) {
  CduDesign d;
  d.rated_heat_W = l.cdu_rated_heat_W;
  d.secondary_supply_K = l.cdu_supply_K;
  d.secondary_delta_T_K = l.cdu_delta_T_K;
  d.facility_supply_K = l.facility_supply_K;
  d.facility_delta_T_K = l.facility_delta_T_K;
  d.duty_pumps = l.duty_pumps;
  d.standby_pumps = l.standby_pumps;
  d.pump_shutoff_head_m = l.pump_shutoff_head_m;
  d.pump_rated_head_m = l.pump_rated_head_m;
  return d;
}

RackNetwork build_rack_network(const Case& c, const PlateBranch& plate_law,
                               const std::vector<double>& gpu_heat_W, double dp_setpoint_Pa) {
  return build_rack_network(c, std::vector<PlateBranch>(c.gpus->instances.size(), plate_law),
                            gpu_heat_W, dp_setpoint_Pa);
}

RackNetwork build_rack_network(const Case& c, const std::vector<PlateBranch>& plate_laws,
                               const std::vector<double>& gpu_heat_W, double dp_setpoint_Pa,
                               double facility_inlet_K) {
  const LoopCase& l = *c.loop;
  const CoolantProperties coolant = coolant_properties(*c.coolant);
  const CoolantProperties water = make_coolant("water", 0);
  const CduDesign design = loop_cdu_design(l);
  const CduRating rating = rate_cdu(design, coolant, water);
  Builder b{Network(coolant, l.cdu_supply_K + 0.5 * l.cdu_delta_T_K), {}};
  // add_cdu makes cdu_return (0), cdu_supply (1), cdu_suction and the pump nodes
  const CduLinks cdu = add_cdu(b.net, design, rating, "cdu_return", "cdu_supply");
  for (std::size_t n = 0; n < b.net.nodes.size(); ++n)
    b.xyz.push_back({-1.0, 0.5 + 0.2 * static_cast<double>(n), 0.0});
  const std::vector<int> order = tray_order(l);
  const int positions = static_cast<int>(order.size());
  const double pitch = l.tray_pitch_m;
  const Pipe header{pitch, l.manifold_diameter_m, l.manifold_roughness_m};
  const Pipe hose{l.hose_length_m, l.hose_diameter_m, l.manifold_roughness_m};
  const Pipe feed{l.pipe_length_m, l.pipe_diameter_m, l.pipe_roughness_m};
  for (int p = 0; p < positions; ++p) {
    b.node(fmt::format("sup_{}", p), kManifoldX, 0.0, p * pitch);
    b.node(fmt::format("ret_{}", p), kManifoldX, kReturnY, p * pitch);
  }
  const bool reverse = l.manifold_layout == "reverse";
  std::vector<int> gpu_plate(static_cast<std::size_t>(c.gpus->instances.size()), -1), switches;
  std::vector<int> qd_s(static_cast<std::size_t>(l.trays), -1), qd_r(qd_s), pos_of_tray(qd_s);
  const int supply_pipe = b.net.add_link("supply_pipe", "cdu_supply", "sup_0", feed);
  const int top = positions - 1;
  const int return_pipe = b.net.add_link(
      "return_pipe", reverse ? fmt::format("ret_{}", top) : "ret_0", "cdu_return", feed);
  for (int p = 0; p + 1 < positions; ++p) {
    b.net.add_link(fmt::format("sup_{}_{}", p, p + 1), fmt::format("sup_{}", p),
                   fmt::format("sup_{}", p + 1), header);
    // the return flows down to ret_0 (direct) or up to the top (reverse)
    if (reverse)
      b.net.add_link(fmt::format("ret_{}_{}", p, p + 1), fmt::format("ret_{}", p),
                     fmt::format("ret_{}", p + 1), header);
    else
      b.net.add_link(fmt::format("ret_{}_{}", p + 1, p), fmt::format("ret_{}", p + 1),
                     fmt::format("ret_{}", p), header);
  }
  const QuickDisconnect qd{l.quick_disconnect_kv_m3_h, 1.0};
  int switch_count = 0;
  for (int p = 0; p < positions; ++p) {
    const double z = p * pitch;
    const std::string s = fmt::format("sup_{}", p), r = fmt::format("ret_{}", p);
    const int t = order[static_cast<std::size_t>(p)];
    const std::string tag = t >= 0 ? fmt::format("tray{}", t) : fmt::format("switch{}", switch_count);
    b.node(tag + "_qs", 0.8, 0.0, z);
    b.node(tag + "_in", 0.6, 0.0, z);
    b.node(tag + "_out", 0.6, kReturnY, z);
    b.node(tag + "_qr", 0.8, kReturnY, z);
    const int qs = b.net.add_link(tag + "_qd_supply", s, tag + "_qs", qd);
    b.net.add_link(tag + "_hose_supply", tag + "_qs", tag + "_in", hose);
    b.net.add_link(tag + "_hose_return", tag + "_out", tag + "_qr", hose);
    const int qr = b.net.add_link(tag + "_qd_return", tag + "_qr", r, qd);
    if (t < 0) {
      switches.push_back(b.net.add_link(tag + "_heat", tag + "_in", tag + "_out",
                                        MinorLoss{0, 0, l.switch_tray_kv_m3_h}));
      ++switch_count;
      continue;
    }
    qd_s[static_cast<std::size_t>(t)] = qs, qd_r[static_cast<std::size_t>(t)] = qr;
    pos_of_tray[static_cast<std::size_t>(t)] = p;
    std::string from = tag + "_in";
    for (int g = 0; g < l.gpus_per_tray; ++g) {
      const int gpu = t * l.gpus_per_tray + g;
      const bool last = g + 1 == l.gpus_per_tray;
      const bool series = l.tray_plumbing == "series";
      std::string to = tag + "_out";
      if (series && !last) to = b.net.nodes[b.node(fmt::format("{}_between_{}", tag, g), 0.5 - 0.1 * g, 0.5 * kReturnY, z)].name;
      gpu_plate[static_cast<std::size_t>(gpu)] =
          b.net.add_link(c.gpus->instances[static_cast<std::size_t>(gpu)].name + "_plate",
                         series ? from : tag + "_in", to, plate_laws.at(static_cast<std::size_t>(gpu)),
                         l.cdu_supply_K);  // the plate law's fluid: the coolant at the supply
      if (series) from = to;
    }
  }
  LoopTransientSetup su(b.net, water);
  su.design = design;
  if (facility_inlet_K > 0) su.design.facility_supply_K = facility_inlet_K;  // operating, not rated
  su.rating = rating;
  su.cdu = cdu;
  su.heat.links.resize(b.net.links.size());
  su.plates = gpu_plate;
  su.plates.insert(su.plates.end(), switches.begin(), switches.end());
  for (std::size_t i = 0; i < gpu_plate.size(); ++i)
    su.heat.links[static_cast<std::size_t>(gpu_plate[i])].heat_W = gpu_heat_W.at(i);
  for (int k : switches) su.heat.links[static_cast<std::size_t>(k)].heat_W = l.switch_tray_heat_W;
  for (int k : {supply_pipe, return_pipe}) {
    su.heat.links[static_cast<std::size_t>(k)].loss_ua_W_K = l.pipe_heat_loss_W_K;
    su.heat.links[static_cast<std::size_t>(k)].ambient_K = l.ambient_K;
  }
  su.return_node = 0;
  su.supply_node = 1;
  // The CDU's reservoir and exchanger hold the loop's largest coolant volume: 40 L a 100 kW
  // of rating (in-rack CDUs carry 20-60 L); the rest is in the pipes and hoses (plug flow).
  su.node_mass_kg.assign(b.net.nodes.size(), 0.0);
  su.node_mass_kg[static_cast<std::size_t>(cdu.suction)] =
      0.4 * design.rated_heat_W / 1e3 * coolant.density(b.net.temperature_K) / 1e3;
  su.control.dp_setpoint_Pa = dp_setpoint_Pa;
  su.follow_temperatures = true;  // every link's coolant at its upstream temperature
  su.control.supply_setpoint_K = l.cdu_supply_K;
  RackNetwork rn(std::move(su));
  rn.gpus = static_cast<int>(gpu_plate.size());
  rn.position_of_tray = pos_of_tray;
  rn.tray_of_position = order;
  rn.qd_supply = qd_s;
  rn.qd_return = qd_r;
  rn.supply_pipe = supply_pipe;
  rn.return_pipe = return_pipe;
  rn.node_xyz = b.xyz;
  return rn;
}

double dp_for_mean_plate_flow(RackNetwork& rn, double mean_flow) {
  LoopTransientSetup& s = rn.setup;
  const auto set_speed = [&](double x) {
    for (int i = 0; i < s.design.duty_pumps; ++i)
      std::get<Pump>(s.net.links[static_cast<std::size_t>(s.cdu.pumps[i])].component).speed = x;
  };
  HydraulicSolution h;
  const auto excess = [&](double x) {
    set_speed(x);
    h = solve_hydraulics(s.net);
    double q = 0;
    for (int i = 0; i < rn.gpus; ++i) q += h.flow_m3_s[static_cast<std::size_t>(s.plates[i])];
    return q / rn.gpus / mean_flow - 1.0;
  };
  double x0 = 1.0, x1 = 0.8, f0 = excess(x0), f1 = excess(x1);
  for (int n = 0; n < 60 && std::abs(f1) > 1e-12 && f1 != f0; ++n) {
    const double x2 = std::max(0.01, x1 - f1 * (x1 - x0) / (f1 - f0));
    x0 = x1, f0 = f1, x1 = x2, f1 = excess(x1);
  }
  if (std::abs(f1) > 1e-9)
    throw NetworkError(fmt::format("loop: the CDU's pumps cannot deliver {:.4g} L/min per GPU "
                                   "(off by {:.3g} %); raise pump_shutoff_head or lower the losses",
                                   mean_flow * 6e4, 100 * f1));
  set_speed(x1);
  h = solve_hydraulics(s.net);
  return h.pressure_Pa[static_cast<std::size_t>(s.supply_node)] -
         h.pressure_Pa[static_cast<std::size_t>(s.return_node)];
}

}  // namespace kelvin
