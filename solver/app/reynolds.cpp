// Reynolds numbers per port, plenum and channel of a solved flow. See reynolds.hpp.
#include "solver/app/reynolds.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/app/channel_flows.hpp"
#include "solver/coupling/problem_setup.hpp"

namespace kelvin {

namespace {


/// A region of cross-section a x b (a rectangle) carrying m.
ReynoldsRegion rectangle(std::string name, std::string kind, double m, double a, double b) {
  ReynoldsRegion r;
  r.name = std::move(name);
  r.kind = std::move(kind);
  r.mass_kg_s = m;
  r.area_m2 = a * b;
  r.hydraulic_diameter_m = a + b > 0 ? 2 * a * b / (a + b) : 0;
  return r;
}

/// A port: the mass through its coolant face cells, over their area; D_h of their bounding
/// rectangle.
ReynoldsRegion port_region(const FlowPort& p, const Grid& g, int coolant,
                           const std::array<std::vector<double>, 3>& m) {
  const int f = static_cast<int>(p.face), d = f / 2;
  const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  const int layer = f % 2 == 0 ? 0 : g.n(d);
  double mass = 0, area = 0, lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  for_port_cells(p, g, coolant, [&](std::size_t, int a, int b) {
    int fc[3];
    fc[d] = layer, fc[t1] = a, fc[t2] = b;
    mass += std::fabs(m[d][face_flux_index(g, d, fc[0], fc[1], fc[2])]);
    area += g.width(t1, a) * g.width(t2, b);
    lo[0] = std::min(lo[0], g.faces(t1)[a]), hi[0] = std::max(hi[0], g.faces(t1)[a + 1]);
    lo[1] = std::min(lo[1], g.faces(t2)[b]), hi[1] = std::max(hi[1], g.faces(t2)[b + 1]);
  });
  ReynoldsRegion r = rectangle(fmt::format("port \"{}\"", p.name), "port", mass,
                               std::max(hi[0] - lo[0], 0.0), std::max(hi[1] - lo[1], 0.0));
  r.area_m2 = area;  // the coolant's, where a rectangle's corner is metal
  return r;
}

/// A plenum box spreading the flow along y: the largest one-way mass flow through a y-section
/// of it, over the box's x-z cross-section.
ReynoldsRegion plenum_region(const ColdPlateBox& box, const Grid& g,
                             const std::vector<double>& my) {
  const auto in = [](double x, double lo, double hi) { return x > lo && x < hi; };
  double most = 0;
  for (int j = 0; j <= g.n(1); ++j) {
    const double y = g.faces(1)[j];
    if (!in(y, box.min_m[1], box.max_m[1])) continue;
    double plus = 0, minus = 0;
    for (int k = 0; k < g.n(2); ++k) {
      if (!in(g.center(2, k), box.min_m[2], box.max_m[2])) continue;
      for (int i = 0; i < g.n(0); ++i) {
        if (!in(g.center(0, i), box.min_m[0], box.max_m[0])) continue;
        const double v = my[face_flux_index(g, 1, i, j, k)];
        (v > 0 ? plus : minus) += std::fabs(v);
      }
    }
    most = std::max({most, plus, minus});
  }
  return rectangle("plenum " + box.name.substr(box.name.find('_') + 1), "plenum", most, box.max_m[0] - box.min_m[0],
                   box.max_m[2] - box.min_m[2]);
}

/// The busiest channel between the fins (pins: between pin rows), its flow across the x-face
/// at mid-length; with a centre inlet the halves flow apart: the larger of the two at
/// mid-half.
ReynoldsRegion channel_region(const ColdPlateLayout& l, const Grid& g,
                              const std::vector<double>& mx) {
  std::vector<double> q = channel_flows(g, l, mx, 0.5);
  if (l.ports.size() > 2) {
    const auto a = channel_flows(g, l, mx, 0.25), b = channel_flows(g, l, mx, 0.75);
    for (std::size_t i = 0; i < q.size(); ++i) q[i] = std::max(a[i], b[i]);
  }
  const std::size_t which = std::max_element(q.begin(), q.end()) - q.begin();
  const double w = l.channel_y_m[which][1] - l.channel_y_m[which][0];
  return rectangle(fmt::format("channel {} of {}", which + 1, q.size()), "channel", q[which], w,
                   l.fin_z_m[1] - l.fin_z_m[0]);
}

}  // namespace

const char* flow_regime(double reynolds) {
  if (reynolds < kLaminarReynolds) return "laminar";
  return reynolds <= kTurbulentReynolds ? "transitional" : "turbulent";
}

ReynoldsReport reynolds_report(const Case& c, const Grid& g,
                               const std::array<std::vector<double>, 3>& m, double T_K,
                               const std::string& who) {
  ReynoldsReport rep;
  const CoolantProperties cool = case_coolant(c);
  rep.temperature_K = std::clamp(T_K, cool.t_min_K, cool.t_max_K);
  rep.viscosity_Pa_s = cool.viscosity(rep.temperature_K);
  const int coolant = c.material_index(c.coolant->material);
  for (const FlowPort& p : case_ports(c)) rep.regions.push_back(port_region(p, g, coolant, m));
  if (c.coldplate) {
    const ColdPlateLayout l = case_cold_plate(c);
    for (const auto& box : l.boxes)
      if (box.name.rfind("plenum", 0) == 0) rep.regions.push_back(plenum_region(box, g, m[1]));
    if (!l.channel_y_m.empty()) rep.regions.push_back(channel_region(l, g, m[0]));
  }
  for (auto& r : rep.regions) {
    // Re = rho V D_h / mu = (m / A) D_h / mu
    r.reynolds = r.area_m2 > 0 ? r.mass_kg_s / r.area_m2 * r.hydraulic_diameter_m / rep.viscosity_Pa_s : 0;
    if (r.reynolds < kLaminarReynolds) continue;
    const bool turbulent = r.reynolds > kTurbulentReynolds;
    rep.warnings.push_back(fmt::format(
        "{}Reynolds number {:.0f} in {} (hydraulic diameter {:.3g} mm) is {}: {}", who,
        r.reynolds, r.name, r.hydraulic_diameter_m * 1e3,
        turbulent ? "turbulent (above 4000)" : "transitional (2300 to 4000)",
        turbulent ? "Kelvin's laminar flow model does not hold there; its pressure drop and "
                    "heat transfer are not trustworthy"
                  : "Kelvin's laminar flow model under-predicts pressure drop and heat "
                    "transfer there"));
  }
  return rep;
}

nlohmann::json ReynoldsReport::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  double largest = 0;
  std::string where;
  for (const auto& r : regions) {
    list.push_back({{"name", r.name},
                       {"kind", r.kind},
                       {"reynolds", r.reynolds},
                       {"regime", flow_regime(r.reynolds)},
                       {"mass_flow_kg_s", r.mass_kg_s},
                       {"area_m2", r.area_m2},
                       {"hydraulic_diameter_m", r.hydraulic_diameter_m}});
    if (r.reynolds > largest) largest = r.reynolds, where = r.name;
  }
  return {{"largest", largest},
          {"largest_in", where},
          {"regime", flow_regime(largest)},
          {"laminar_below", kLaminarReynolds},
          {"turbulent_above", kTurbulentReynolds},
          {"viscosity_at_K", temperature_K},
          {"viscosity_Pa_s", viscosity_Pa_s},
          {"regions", list},
          {"warnings", warnings}};
}

}  // namespace kelvin
