#include "solver/coupling/facility_plant.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/coupling/rack_steady.hpp"
#include "solver/loop/components.hpp"
#include "solver/loop/enthalpy.hpp"

namespace kelvin {

namespace {

/// a and b mixed linearly at facility inlet t between theirs.
RackResponse interpolate(const RackResponse& a, const RackResponse& b, double t) {
  const double w = (t - a.facility_inlet_K) / (b.facility_inlet_K - a.facility_inlet_K);
  const auto mix = [&](double x, double y) { return x + w * (y - x); };
  return {t,
          mix(a.it_W, b.it_W),
          mix(a.gpu_W, b.gpu_W),
          mix(a.tokens_per_s, b.tokens_per_s),
          mix(a.unthrottled_tokens_per_s, b.unthrottled_tokens_per_s),
          mix(a.thermally_throttled, b.thermally_throttled),
          mix(a.max_junction_K, b.max_junction_K),
          mix(a.duty_W, b.duty_W),
          mix(a.facility_flow_kg_s, b.facility_flow_kg_s),
          mix(a.cdu_pumps_W, b.cdu_pumps_W),
          mix(a.secondary_supply_K, b.secondary_supply_K)};
}

}  // namespace

RackResponse RackResponseTable::at(double t) const {
  const auto& p = m_points;
  if (t <= p.front().facility_inlet_K) return p.front();
  if (t >= p.back().facility_inlet_K) return p.back();
  std::size_t k = 1;
  while (p[k].facility_inlet_K < t) ++k;
  return interpolate(p[k - 1], p[k], t);
}

RackResponse rack_response(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                           double dp_setpoint_Pa, const WorkloadPhase& phase, double t_in) {
  const RackSteady st = solve_rack_steady(c, m, plate, dp_setpoint_Pa, phase.activity, t_in);
  RackResponse r;
  r.facility_inlet_K = t_in;
  for (const OperatingPoint& op : st.gpu) {
    r.gpu_W += op.power_W;
    const double g = relative_throughput(op.clock_MHz, m.max_clock_MHz, phase.memory_bound_fraction);
    r.tokens_per_s += op.shut_down || op.runaway ? 0.0 : phase.tokens_per_s * g;
    r.unthrottled_tokens_per_s += phase.tokens_per_s;
    r.thermally_throttled += (op.reasons & (kReasonSwThermal | kReasonHwThermal)) ? 1 : 0;
    r.max_junction_K = std::max(r.max_junction_K, op.junction_K);
  }
  r.it_W = r.gpu_W + c.loop->switch_trays * c.loop->switch_tray_heat_W;
  r.duty_W = st.loop.cdu_heat_W;
  r.facility_flow_kg_s = st.facility_flow_kg_s;
  for (double w : st.loop.pump_electrical_W) r.cdu_pumps_W += w;
  r.secondary_supply_K = st.loop.supply_K;
  return r;
}

namespace {

/// Relative miss of the linear interpolation `lin` against the rack `exact` in IT power and CDU
/// duty (what the year's energy sums are made of).
double interpolation_miss(const RackResponse& lin, const RackResponse& exact) {
  double worst = 0;
  for (auto f : {&RackResponse::it_W, &RackResponse::duty_W})
    worst = std::max(worst, std::abs(lin.*f / (exact.*f) - 1));
  return worst;
}

}  // namespace

RackResponseTable tabulate_rack(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                                double dp, const WorkloadPhase& phase, double low_K,
                                double high_K, double step_K, ProgressSink& progress,
                                double tolerance) {
  std::vector<RackResponse> points;
  const int n = static_cast<int>(std::ceil((high_K - low_K) / step_K - 1e-9));
  const auto solve = [&](double t) {
    progress.update(fmt::format("facility: rack at {:.3f} degC facility water ({} solved)",
                                t - 273.15, points.size() + 1));
    return rack_response(c, m, plate, dp, phase, t);
  };
  for (int k = 0; k <= n; ++k) points.push_back(solve(std::min(high_K, low_K + k * step_K)));
  double worst = 0, flow_worst = 0;
  for (std::size_t i = 0; i + 1 < points.size();) {
    const double a = points[i].facility_inlet_K, b = points[i + 1].facility_inlet_K;
    const RackResponse mid = solve(0.5 * (a + b));
    const RackResponse lin = interpolate(points[i], points[i + 1], mid.facility_inlet_K);
    const double miss = interpolation_miss(lin, mid);
    if (miss > tolerance && b - a > step_K / 8 * 1.000001) {
      points.insert(points.begin() + static_cast<std::ptrdiff_t>(i) + 1, mid);
      continue;  // check the left half next
    }
    worst = std::max(worst, miss);
    flow_worst = std::max(flow_worst, std::abs(lin.facility_flow_kg_s / mid.facility_flow_kg_s - 1));
    ++i;
  }
  progress.finish();
  return RackResponseTable(std::move(points), worst, flow_worst);
}

FacilityPlant facility_plant(const Case& c) {
  const FacilityCase& f = *c.facility;
  DryCoolerDesign d;
  if (f.dry_cooler_rated_heat_W > 0) d.rating.heat_W = f.dry_cooler_rated_heat_W;
  if (f.dry_cooler_air_flow_kg_s > 0) d.rating.air_flow_kg_s = f.dry_cooler_air_flow_kg_s;
  const double fan_total = d.fan.power_W * d.fans;
  if (f.dry_cooler_fans > 0) d.fans = f.dry_cooler_fans;
  d.fan.power_W = (f.dry_cooler_fan_power_W > 0 ? f.dry_cooler_fan_power_W : fan_total) / d.fans;
  d.pad_effectiveness = f.pad_effectiveness;
  d.pad_threshold_K = f.pad_threshold_K;
  FacilityPlant p;
  p.water = make_coolant("water", 0);
  p.cooler = rate_dry_cooler(d, p.water);
  p.coolers = f.dry_coolers;
  p.racks = f.racks;
  p.setpoint_K = f.supply_setpoint_K > 0 ? f.supply_setpoint_K : c.loop->facility_supply_K;
  p.min_fan_speed = f.min_fan_speed;
  p.pump_head_m = f.pump_head_m;
  p.pump_efficiency = f.pump_efficiency;
  return p;
}

namespace {

/// Bisection for g(t) = 0 on [lo, hi] with g(lo), g(hi) of opposite signs, to 1e-10 K.
template <class G>
double bisect(G g, double lo, double hi) {
  double g_lo = g(lo);
  for (int n = 0; n < 100 && hi - lo > 1e-10; ++n) {
    const double mid = 0.5 * (lo + hi), g_mid = g(mid);
    if ((g_mid > 0) == (g_lo > 0)) lo = mid, g_lo = g_mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/// The share b of a cooler's flow m that bypasses it so that the mix holds the setpoint:
///   (1 - b) h(T_out((1 - b) m)) + b h(T_in) = h(T_set), by bisection on b in [0, 1).
double bypass_for_setpoint(const FacilityPlant& p, double m, double t_in, const AmbientAir& air,
                           double speed) {
  const double h_set = coolant_enthalpy(p.water, p.setpoint_K), h_in = coolant_enthalpy(p.water, t_in);
  const auto mixed = [&](double b) {
    const double out = outlet_temperature(p.cooler, (1 - b) * m, t_in, air, speed);
    return (1 - b) * coolant_enthalpy(p.water, out) + b * h_in - h_set;
  };
  double lo = 0, hi = 1;  // mixed(0) < 0 (overcooled), mixed(1) = h_in - h_set > 0
  for (int n = 0; n < 100 && hi - lo > 1e-14; ++n) {
    const double mid = 0.5 * (lo + hi);
    (mixed(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

FacilityHour solve_facility_hour(const FacilityPlant& p, const RackResponseTable& table,
                                 const AmbientAir& air) {
  // At a facility supply t: each cooler's flow and inlet (the racks' mixed return).
  const auto flow = [&](double t) { return p.racks * table.at(t).facility_flow_kg_s / p.coolers; };
  const auto inlet = [&](double t) {
    const RackResponse r = table.at(t);
    if (!(r.facility_flow_kg_s > 0)) return t;
    return coolant_temperature(p.water, coolant_enthalpy(p.water, t) + r.duty_W / r.facility_flow_kg_s, t);
  };
  const auto excess = [&](double t, double speed) {
    return outlet_temperature(p.cooler, flow(t), inlet(t), air, speed) - t;
  };
  FacilityHour h;
  double t = p.setpoint_K;
  double speed = speed_for_outlet(p.cooler, flow(t), inlet(t), air, t, p.min_fan_speed, 1.0);
  const double off = excess(t, speed);
  if (off > 1e-9) {  // full fans cannot hold the setpoint: the supply floats up
    const double edge = table.highest_K();
    if (excess(edge, speed) > 0) {
      t = edge;
      h.outside_table = true;
    } else {
      t = bisect([&](double x) { return excess(x, speed); }, t, edge);
    }
    h.above_setpoint = true;
  } else if (off < -1e-9) {  // minimum fans overcool: a bypass around the coolers holds it
    h.bypass_fraction = bypass_for_setpoint(p, flow(t), inlet(t), air, speed);
  }
  h.fan_speed = speed;
  h.rack = table.at(t);
  h.facility_supply_K = t;
  h.facility_return_K = inlet(t);
  h.facility_flow_kg_s = p.racks * h.rack.facility_flow_kg_s;
  h.cooler = dry_cooler_operate(p.cooler, (1 - h.bypass_fraction) * flow(t), h.facility_return_K,
                                air, speed);
  h.it_W = p.racks * h.rack.it_W;
  h.cdu_pumps_W = p.racks * h.rack.cdu_pumps_W;
  h.facility_pumps_W = kStandardGravity * p.pump_head_m * h.facility_flow_kg_s / p.pump_efficiency;
  h.fans_W = p.coolers * h.cooler.fan_power_W;
  h.water_kg_s = p.coolers * h.cooler.water_evaporated_kg_s;
  // what the water gives up, m (h(T_r) - h(T_out)): the cooler's own Q carries cp at the mean
  // liquid temperature (1e-5 of this over 8 K of water)
  h.rejected_W = p.coolers * (1 - h.bypass_fraction) * flow(t) *
                 (coolant_enthalpy(p.water, h.facility_return_K) -
                  coolant_enthalpy(p.water, h.cooler.liquid_outlet_K));
  return h;
}

}  // namespace kelvin
