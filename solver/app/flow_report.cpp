// summary.json figures of a run with coolant flow. See flow_report.hpp.
#include "solver/app/flow_report.hpp"

#include <algorithm>
#include <cmath>

#include "solver/app/channel_flows.hpp"
#include "solver/app/reynolds.hpp"
#include "solver/coupling/problem_setup.hpp"

namespace kelvin {

using json = nlohmann::json;

namespace {


/// Mixed-mean temperature and mass rate over the boundary faces where coolant leaves
/// (outflow > 0) or enters (outflow < 0), weighted by m cp(T).
struct PortMix {
  double mass_kg_s = 0, weighted_T = 0, weight = 0;
  double temperature() const { return weight > 0 ? weighted_T / weight : 0; }
};

void boundary_mix(const Grid& g, const std::array<std::vector<double>, 3>& m,
                  const std::vector<double>& T, const CoolantProperties& cool,
                  const std::array<std::vector<double>, 6>& t_in, PortMix& in, PortMix& out) {
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const int layer = f % 2 == 0 ? 0 : g.n(d) - 1, flayer = f % 2 == 0 ? 0 : g.n(d);
    for (int b = 0; b < g.n(t2); ++b)
      for (int a = 0; a < g.n(t1); ++a) {
        int c[3], fc[3];
        c[d] = layer, fc[d] = flayer;
        c[t1] = fc[t1] = a;
        c[t2] = fc[t2] = b;
        const double flux = (f % 2 == 0 ? -1.0 : 1.0) * m[d][face_flux_index(g, d, fc[0], fc[1], fc[2])];
        const double Tin = t_in[f][a + static_cast<std::size_t>(g.n(t1)) * b];
        if (flux < 0 && Tin > 0) {  // an inlet face
          const double w = -flux * cool.specific_heat(Tin);
          in.mass_kg_s -= flux, in.weighted_T += w * Tin, in.weight += w;
        } else if (flux != 0) {  // outflow, or backflow (negative) through an outlet
          const double Tc = T[g.index(c[0], c[1], c[2])], w = flux * cool.specific_heat(Tc);
          out.mass_kg_s += flux, out.weighted_T += w * Tc, out.weight += w;
        }
      }
  }
}

}  // namespace

json flow_summary(const Case& c, const Grid& g, const FlowSolver& flow,
                  const std::vector<double>& T, const json& materials, const json& probes,
                  double power_W) {
  json s;
  const CoolantProperties cool = energy_coolant(c);  // the cp the energy equation carried
  std::array<std::vector<double>, 3> m;
  for (int d = 0; d < 3; ++d) m[d] = flow.mass_flux(d).to_host();
  PortMix in, out;
  boundary_mix(g, m, T, cool, inflow_temperatures(c, g), in, out);
  s["pressure_drop_Pa"] = flow.inlet_pressure() - flow.outlet_pressure();
  s["flow_rate_m3_s"] = flow.inflow_volume_rate();
  s["inlet_temperature_K"] = in.temperature();
  s["outlet_temperature_K"] = out.temperature();
  // Thermal resistances from the inlet: junction = hottest cell of the junction material
  // (default silicon), case = probe "case" if any, else the hottest cell of case_material.
  json R = json::object();
  const std::string jm = !c.junction_material.empty() ? c.junction_material : "silicon";
  if (materials.contains(jm) && power_W > 0)
    R["junction_to_inlet"] =
        (materials[jm]["max_temperature_K"].get<double>() - in.temperature()) / power_W;
  double T_case = std::nan("");
  if (probes.contains("case"))
    T_case = probes["case"]["temperature_K"].get<double>();
  else if (!c.case_material.empty() && materials.contains(c.case_material))
    T_case = materials[c.case_material]["max_temperature_K"].get<double>();
  if (std::isfinite(T_case) && power_W > 0)
    R["case_to_inlet"] = (T_case - in.temperature()) / power_W;
  s["thermal_resistance_K_per_W"] = R;
  if (c.coldplate) {
    const ColdPlateLayout l = case_cold_plate(c);
    std::vector<double> q = channel_flows(g, l, m[0], 0.5);
    if (l.ports.size() > 2) {  // centre inlet: the halves flow apart; measure each at mid-half
      const auto a = channel_flows(g, l, m[0], 0.25), b = channel_flows(g, l, m[0], 0.75);
      for (std::size_t i = 0; i < q.size(); ++i) q[i] = a[i] + b[i];
    }
    double mean = 0;
    for (double v : q) mean += v;
    mean /= std::max<std::size_t>(q.size(), 1);
    double lo = 1e300, hi = 0;
    for (double v : q) lo = std::min(lo, v / mean), hi = std::max(hi, v / mean);
    s["channel_flow"] = {
        {"channels", q.size()}, {"min_fraction", lo}, {"max_fraction", hi}, {"mean_kg_s", mean}};
  }
  // The coolant at the inlet temperature and every port: what an independent solver needs to
  // set up the same problem (bench/openfoam/coldplate/kelvin_to_spec.py).
  const double Ti = in.temperature();
  s["coolant"] = {{"name", std::string(cool.name)},
                  {"constant_properties", c.coolant->constant_properties},
                  {"at_inlet",
                   {{"density_kg_m3", cool.density(Ti)},
                    {"specific_heat_J_kgK", cool.specific_heat(Ti)},
                    {"conductivity_W_mK", cool.conductivity(Ti)},
                    {"viscosity_Pa_s", cool.viscosity(Ti)}}}};
  json ports = json::array();
  for (const FlowPort& p : case_ports(c)) {
    json j = {{"name", p.name},
              {"kind", p.kind == FlowPort::Kind::Inlet ? "inlet" : "outlet"},
              {"face", face_name(p.face)}};
    if (p.has_region) j["region_m"] = {{"min", p.region_min_m}, {"max", p.region_max_m}};
    if (p.kind == FlowPort::Kind::Inlet) {
      j["flow_rate_m3_s"] = p.flow_rate_m3_s;
      j["temperature_K"] = p.temperature_K;
    } else {
      j["pressure_Pa"] = p.pressure_Pa;
    }
    ports.push_back(j);
  }
  s["ports"] = ports;
  // The laminar model's limits: Re per port, plenum and channel, the viscosity at the hottest
  // mixed-mean coolant temperature (the outlet's: the largest Re).
  s["reynolds"] = reynolds_report(c, g, m, std::max(in.temperature(), out.temperature())).to_json();
  s["mass_balance"] = {
      {"inflow_kg_s", in.mass_kg_s},
      {"outflow_kg_s", out.mass_kg_s},
      {"relative_error",
       in.mass_kg_s > 0 ? std::fabs(out.mass_kg_s - in.mass_kg_s) / in.mass_kg_s : 0.0},
      {"continuity_residual", flow.continuity_residual()}};
  return s;
}

}  // namespace kelvin
