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
  RackResponse r = a;
  for (auto f : {&RackResponse::it_W, &RackResponse::gpu_W, &RackResponse::tokens_per_s,
                 &RackResponse::unthrottled_tokens_per_s, &RackResponse::thermally_throttled,
                 &RackResponse::max_junction_K, &RackResponse::duty_W,
                 &RackResponse::facility_flow_kg_s, &RackResponse::cdu_pumps_W,
                 &RackResponse::secondary_supply_K, &RackResponse::server_fans_W,
                 &RackResponse::crah_fans_W, &RackResponse::server_fan_speed,
                 &RackResponse::supply_air_K})
    r.*f = a.*f + w * (b.*f - a.*f);
  r.facility_inlet_K = t;
  return r;
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

RackResponseTable tabulate_response(const RackAnswer& answer, double low_K, double high_K,
                                    double step_K, ProgressSink& progress, double tolerance) {
  std::vector<RackResponse> points;
  const int n = static_cast<int>(std::ceil((high_K - low_K) / step_K - 1e-9));
  const auto solve = [&](double t) {
    progress.update(fmt::format("facility: rack at {:.3f} degC facility water ({} solved)",
                                t - 273.15, points.size() + 1));
    return answer(t);
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
    if (mid.facility_flow_kg_s > 0)
      flow_worst = std::max(flow_worst, std::abs(lin.facility_flow_kg_s / mid.facility_flow_kg_s - 1));
    ++i;
  }
  progress.finish();
  return RackResponseTable(std::move(points), worst, flow_worst);
}

RackResponseTable tabulate_rack(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                                double dp, const WorkloadPhase& phase, double low_K,
                                double high_K, double step_K, ProgressSink& progress,
                                double tolerance) {
  return tabulate_response(
      [&](double t) { return rack_response(c, m, plate, dp, phase, t); }, low_K, high_K, step_K,
      progress, tolerance);
}

FacilityPlant facility_plant(const Case& c, double site_pressure_Pa) {
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
  if (f.heat_rejection == "cooling_tower" || f.heat_rejection == "chiller") {
    p.heat_rejection = f.heat_rejection == "chiller" ? HeatRejection::Chiller : HeatRejection::CoolingTower;
    p.towers = tower_plant(c, site_pressure_Pa);
  }
  if (p.heat_rejection == HeatRejection::Chiller) {
    p.chiller = doe2_centrifugal_5_50cop(f.chiller_capacity_W);
    if (f.chiller_cop > 0) p.chiller.reference_cop = f.chiller_cop;
    p.chillers = f.chillers;
  }
  return p;
}

}  // namespace kelvin
