// check_case()'s checks of the coolant, the cold plate, the flow ports and settings, and the
// coolant's boiling point (a warning).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

void Checker::check_coolant() {
  const bool has_ports = !m_case.ports.empty();
  if (!m_case.coolant) {
    if (failed("coolant")) return;  // the parser reported it
    const char* hint = ": add a \"coolant\" section naming the fluid (e.g. \"coolant: PG25\")";
    if (has_ports)
      report(m_case.ports[0].kind == FlowPort::Kind::Inlet ? "flow.inlets" : "flow.outlets",
             m_case.ports[0].mark, std::string("flow inlets and outlets carry coolant") + hint);
    if (m_case.coldplate)
      report("coldplate", m_case.coldplate->mark,
             std::string("a coldplate carries coolant") + hint);
    return;
  }
  const CoolantCase& cc = *m_case.coolant;
  const std::string fluid_path =
      m_case.key_marks.count("coolant.fluid") ? "coolant.fluid" : "coolant";
  // A user-defined fluid with a key the parser refused is not checked again as a whole.
  if (cc.user && failed_under("coolant.fluid")) return;
  try {
    m_coolant = coolant_properties(cc);
  } catch (const CoolantError& e) {
    const std::string what = e.what();
    if (cc.user)
      report(fluid_path, cc.mark, "coolant: fluid " + in_quotes(cc.fluid) + ": " + what);
    else
      report(fluid_path, cc.mark, what.rfind("coolant", 0) == 0 ? what : "coolant: " + what);
  }
  if (!has_ports && !m_case.coldplate && !failed_under("flow") && !failed_under("coldplate"))
    report("coolant", cc.mark,
           "coolant " + in_quotes(cc.fluid) +
               " is given but nothing flows: add a \"coldplate\" "
               "section or inlets and outlets under \"flow\", or remove \"coolant\"");
  // load_case() adds the coolant's material; a case built in code must do the same.
  if (m_case.material_index(cc.material) < 0)
    report(m_case.key_marks.count("coolant.material") ? "coolant.material" : "coolant", cc.mark,
           "coolant: its material " + in_quotes(cc.material) +
               " is not among the case's materials (load_case() adds it)");
  if (!m_coolant) return;
  const auto in_range = [&](double T, const std::string& path, const SourceMark& fallback,
                            const std::string& what) {
    if (failed(path)) return;
    try {
      check_coolant_temperature(*m_coolant, T, what);
    } catch (const CoolantError& e) {
      report(path, fallback, e.what());
    }
  };
  if (m_case.coldplate)
    in_range(m_case.coldplate->inlet_temperature_K, "coldplate.inlet_temperature",
             m_case.coldplate->mark, "coldplate: inlet_temperature");
  std::size_t inlets = 0;
  for (const auto& p : m_case.ports) {
    if (p.kind != FlowPort::Kind::Inlet) continue;
    in_range(p.temperature_K, "flow.inlets[" + std::to_string(inlets++) + "].temperature", p.mark,
             "inlet " + in_quotes(p.name) + ": temperature");
  }
  in_range(m_case.initial_temperature_K, "initial_temperature", SourceMark{},
           m_case.key_marks.count("initial_temperature")
               ? "initial_temperature"
               : "the default initial_temperature (set one in the case)");
}

void Checker::check_coldplate() {
  if (!m_case.coldplate) return;
  const ColdPlateCase& cp = *m_case.coldplate;
  check_material_ref(cp.material, "coldplate.material", cp.mark, "coldplate");
  if (m_case.coolant && cp.material == m_case.coolant->material)
    report("coldplate.material", cp.mark,
           "coldplate: material " + in_quotes(cp.material) +
               " is the coolant's; the plate needs a solid (e.g. copper)");
  if (!(cp.flow_rate_m3_s > 0 && std::isfinite(cp.flow_rate_m3_s)))
    report("coldplate.flow_rate", cp.mark,
           "coldplate: flow_rate must be positive and finite, got " + num(cp.flow_rate_m3_s) +
               " m^3/s");
  if (!std::isfinite(cp.outlet_pressure_Pa))
    report("coldplate.outlet_pressure", cp.mark, "coldplate: outlet_pressure must be finite");

  // A value the parser rejected is left at its default: building with it says nothing useful.
  if (failed_under("coldplate")) return;
  try {
    m_plate = make_cold_plate(cp.spec);
  } catch (const std::invalid_argument& e) {
    // make_cold_plate names the ColdPlateSpec field first; point at the key that sets it.
    const std::string what = e.what();
    const std::string field = what.substr(0, what.find_first_of(" ("));
    static const std::map<std::string, std::string> keys{
        {"footprint_min", "footprint.min"},
        {"footprint_max", "footprint.max"},
        {"base_z", "base"},
        {"base_thickness", "base_thickness"},
        {"fin_thickness", "fins.thickness"},
        {"fin_pitch", "fins.pitch"},
        {"fin_height", "fins.height"},
        {"fin_length", "fins.length"},
        {"fin_region_width", "fins.region_width"},
        {"pin_size", "fins.size"},
        {"pin_pitch_x", "fins.pitch"},
        {"pin_pitch_y", "fins.pitch"},
        {"center", "center"},
        {"wall_thickness", "wall_thickness"},
        {"plenum_length", "plenum_length"},
        {"port_length", "ports.length"},
        {"port_width", "ports.width"},
        {"cover_thickness", "cover_thickness"},
        {"cells_across_channel", "mesh.cells_across_channel"},
        {"cells_across_fin", "mesh.cells_across_fin"},
        {"cells_over_fin_height", "mesh.cells_over_fin_height"},
        {"max_cell_along_flow", "mesh.max_cell_along_flow"}};
    const auto key = keys.find(field);
    report(key == keys.end() ? "coldplate" : nearest_marked("coldplate." + key->second), cp.mark,
           "coldplate: " + what);
    return;
  }
  const ColdPlateBox& outer = m_plate->boxes.front();
  m_plate_extent = Extent{outer.min_m, outer.max_m};
}

void Checker::check_flow() {
  std::set<std::string> names;
  std::size_t inlets = 0, outlets = 0;
  for (const auto& p : m_case.ports) {
    const bool inlet = p.kind == FlowPort::Kind::Inlet;
    const std::string path = std::string(inlet ? "flow.inlets[" : "flow.outlets[") +
                             std::to_string(inlet ? inlets++ : outlets++) + "]";
    const std::string who = (inlet ? "inlet " : "outlet ") + in_quotes(p.name);
    if (!printable_name(p.name))
      report(path + ".name", p.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!names.insert(p.name).second)
      report(path + ".name", p.mark, "duplicate inlet or outlet name " + in_quotes(p.name));
    const int face_index = static_cast<int>(p.face);
    if (face_index < 0 || face_index >= 6) report(path + ".face", p.mark, who + ": invalid face");
    if (inlet && !(p.flow_rate_m3_s > 0 && std::isfinite(p.flow_rate_m3_s)))
      report(
          path + ".flow_rate", p.mark,
          who + ": flow_rate must be positive and finite, got " + num(p.flow_rate_m3_s) + " m^3/s");
    if (!inlet && !std::isfinite(p.pressure_Pa))
      report(path + ".pressure", p.mark, who + ": pressure must be finite");
    if (p.has_region) check_region(path, p.mark, who, p.face, p.region_min_m, p.region_max_m);
  }
  // A cold plate brings its own inlet and outlets.
  if (inlets > 0 && outlets == 0 && !m_case.coldplate && !failed_under("flow.outlets"))
    report("flow.inlets", m_case.ports.front().mark,
           "flow: the coolant needs a way out; add at least one outlet under \"outlets\"");
  if (outlets > 0 && inlets == 0 && !m_case.coldplate && !failed_under("flow.inlets"))
    report("flow.outlets", m_case.ports.front().mark,
           "flow: outlets without an inlet carry no flow; add at least one under \"inlets\"");

  const FlowCaseSettings& f = m_case.flow;
  const double w = f.velocity_relaxation;
  if (!(w > 0 && w <= 1))
    report("flow.relaxation", "flow: relaxation must lie in (0, 1], got " + num(w));
  if (!(f.tolerance > 0 && std::isfinite(f.tolerance)))
    report("flow.tolerance",
           "flow: tolerance must be positive and finite, got " + num(f.tolerance));
  if (f.max_iterations < 1)
    report("flow.max_iterations",
           "flow: max_iterations must be at least 1, got " + std::to_string(f.max_iterations));
  if (f.max_coupling_iterations < 1)
    report("flow.max_coupling_iterations",
           "flow: max_coupling_iterations must be at least 1, got " +
               std::to_string(f.max_coupling_iterations));
  if (!(f.temperature_tolerance_K > 0 && std::isfinite(f.temperature_tolerance_K)))
    report("flow.temperature_tolerance",
           "flow: temperature_tolerance must be positive and finite, got " +
               num(f.temperature_tolerance_K) + " K");

  // The plate's ports open on its cover, which must be the domain's top face.
  if (m_plate && m_has_domain) {
    const ColdPlateCase& cp = *m_case.coldplate;
    if (m_case.domain && !inside(m_plate_extent->lo, m_plate_extent->hi))
      report("coldplate", cp.mark,
             "coldplate [" + vec_text(m_plate_extent->lo, "m") + " .. " +
                 vec_text(m_plate_extent->hi, "m") + "] reaches outside the domain [" +
                 vec_text(m_domain.lo, "m") + " .. " + vec_text(m_domain.hi, "m") + "]");
    else if (std::abs(m_plate->top_z_m - m_domain.hi[2]) > 1e-9 * (m_domain.hi[2] - m_domain.lo[2]))
      report("coldplate", cp.mark,
             "coldplate: its ports open on the top of its cover at z = " + num(m_plate->top_z_m) +
                 " m, which must be the domain's top (zmax) face, but the domain reaches z = " +
                 num(m_domain.hi[2]) + " m");
  }
}

}  // namespace kelvin::parse_detail

namespace kelvin::parse_detail {
namespace {

/// A flow port's rectangle on its face, for the overlap check.
struct PortRect {
  std::string who;   // in messages: inlet "in", the coldplate's inlet port
  std::string path;  // where to report
  SourceMark mark;
  int face = 0;
  std::array<double, 2> lo{}, hi{};
  bool inlet = false;
};

/// Saturation temperature of water at p_Pa (IAPWS-IF97, region 4 backward equation; valid
/// from the triple point, 611.213 Pa, to the critical point, 22.064 MPa).
double water_saturation_K(double p_Pa) {
  static constexpr double n[11] = {0,
                                   0.11670521452767e4,
                                   -0.72421316703206e6,
                                   -0.17073846940092e2,
                                   0.12020824702470e5,
                                   -0.32325550322333e7,
                                   0.14915108613530e2,
                                   -0.48232657361591e4,
                                   0.40511340542057e6,
                                   -0.23855557567849,
                                   0.65017534844798e3};
  const double beta = std::pow(p_Pa / 1e6, 0.25);
  const double E = beta * beta + n[3] * beta + n[6];
  const double F = n[1] * beta * beta + n[4] * beta + n[7];
  const double G = n[2] * beta * beta + n[5] * beta + n[8];
  const double D = 2 * G / (-F - std::sqrt(F * F - 4 * E * G));
  return (n[10] + D - std::sqrt((n[10] + D) * (n[10] + D) - 4 * (n[9] + n[10] * D))) / 2;
}

/// Boiling point of the coolant at the absolute pressure p_Pa: water's saturation temperature
/// at p / x_w, x_w the water's mole fraction (Raoult's law; the glycols' own vapour pressure,
/// under 1 % of water's near 100 degC, is neglected). 0 below water's triple point pressure.
double boiling_point_K(const CoolantProperties& c, double p_Pa) {
  constexpr double kWater_g_mol = 18.015, kPropyleneGlycol_g_mol = 76.094,
                   kEthyleneGlycol_g_mol = 62.068;
  double x_water = 1;
  if (c.fluid != CoolantFluid::Water) {
    const double glycol_g_mol =
        c.fluid == CoolantFluid::PropyleneGlycol ? kPropyleneGlycol_g_mol : kEthyleneGlycol_g_mol;
    const double water = (1 - c.mass_fraction) / kWater_g_mol;
    x_water = water / (water + c.mass_fraction / glycol_g_mol);
  }
  const double p_water = p_Pa / x_water;
  if (!(p_water >= 611.213)) return 0;
  return water_saturation_K(std::min(p_water, 22.064e6));
}

}  // namespace

void Checker::check_port_overlaps() {
  std::vector<PortRect> rects;
  std::size_t inlets = 0, outlets = 0;
  for (const auto& p : m_case.ports) {
    const bool inlet = p.kind == FlowPort::Kind::Inlet;
    const std::string path = std::string(inlet ? "flow.inlets[" : "flow.outlets[") +
                             std::to_string(inlet ? inlets++ : outlets++) + "]";
    const int face = static_cast<int>(p.face);
    if (face < 0 || face >= 6 || failed(path + ".face") || failed(path + ".region")) continue;
    PortRect r{
        (inlet ? "inlet " : "outlet ") + in_quotes(p.name), path, p.mark, face, {}, {}, inlet};
    if (p.has_region) {
      r.lo = p.region_min_m, r.hi = p.region_max_m;
    } else {
      // The whole face; without a known domain, everything.
      int t = 0;
      for (int d = 0; d < 3; ++d) {
        if (d == face / 2) continue;
        r.lo[t] = m_has_domain ? m_domain.lo[d] : -INFINITY;
        r.hi[t++] = m_has_domain ? m_domain.hi[d] : INFINITY;
      }
    }
    if (!(r.lo[0] < r.hi[0] && r.lo[1] < r.hi[1])) continue;  // check_region() reported it
    rects.push_back(r);
  }
  if (m_plate && m_case.coldplate) {
    for (const auto& p : m_plate->ports)
      rects.push_back({"the coldplate's " + p.name + " port", "coldplate", m_case.coldplate->mark,
                       static_cast<int>(Face::ZMax), p.min_m, p.max_m, p.inlet});
  }
  // Sweep along the first tangential axis: only ports whose spans there meet are compared.
  std::vector<std::size_t> order(rects.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(rects[a].face, rects[a].lo[0]) < std::tie(rects[b].face, rects[b].lo[0]);
  });
  std::set<std::size_t> reported;
  for (std::size_t ia = 0; ia < order.size(); ++ia) {
    const PortRect& a = rects[order[ia]];
    for (std::size_t ib = ia + 1; ib < order.size(); ++ib) {
      const PortRect& b = rects[order[ib]];
      if (b.face != a.face || !(b.lo[0] < a.hi[0])) break;
      // Overlap of positive area: ports that only touch along an edge share no cell.
      const double tol = 1e-9 * (m_has_domain ? m_domain.hi[0] - m_domain.lo[0] : 1.0);
      const double x0 = std::max(a.lo[0], b.lo[0]), x1 = std::min(a.hi[0], b.hi[0]);
      const double y0 = std::max(a.lo[1], b.lo[1]), y1 = std::min(a.hi[1], b.hi[1]);
      if (!(x1 - x0 > tol && y1 - y0 > tol)) continue;
      // Report at the one written in the file (not the plate), the later one if both are.
      const bool at_b = b.path != "coldplate" && (a.path == "coldplate" || order[ib] > order[ia]);
      const PortRect& here = at_b ? b : a;
      const PortRect& other = at_b ? a : b;
      if (!reported.insert(at_b ? order[ib] : order[ia]).second) continue;
      const bool mixed = a.inlet != b.inlet;
      report(here.path, here.mark,
             here.who + " overlaps " + other.who + " on " + face_name(static_cast<Face>(a.face)) +
                 " (both cover [" + num(x0) + " .. " + num(x1) + "] x [" + num(y0) + " .. " +
                 num(y1) + "] m): " +
                 (mixed ? "coolant cannot enter and leave through the same cells"
                        : "ports on a face must not share cells") +
                 "; move one region");
    }
  }
}

void Checker::check_boiling() {
  // A user-defined fluid's boiling point is unknown here: its valid_range (or table) bounds it.
  if (!m_coolant || m_coolant->fluid == CoolantFluid::UserDefined) return;
  const CoolantProperties& c = *m_coolant;
  const auto check = [&](double T_K, double outlet_gauge_Pa, const std::string& path,
                         const std::string& what) {
    if (failed(path) || !c.contains(T_K)) return;  // out of range: already an error
    const double p = kAtmosphere_Pa + outlet_gauge_Pa;
    const double boil = boiling_point_K(c, p);
    if (T_K <= boil) return;
    const auto fixed1 = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", v);
      return std::string(buf);
    };
    warn(path, what + " " + fixed1(T_K - 273.15) + " degC is above the boiling point of " + c.name +
                   " at the outlet's " + fixed1(p / 1e3) + " kPa absolute (" +
                   (boil > 0 ? fixed1(boil - 273.15) + " degC"
                             : std::string("it boils at any temperature")) +
                   "; outlet pressure " + num(outlet_gauge_Pa / 1e3) +
                   " kPa gauge + 1 atm): Kelvin models single-phase liquid only");
  };
  // The lowest pressure the coolant meets is at an outlet.
  if (m_case.coldplate) {
    const ColdPlateCase& cp = *m_case.coldplate;
    check(cp.inlet_temperature_K, cp.outlet_pressure_Pa, "coldplate.inlet_temperature",
          "coldplate: inlet_temperature");
  }
  double outlet_Pa = INFINITY;
  for (const auto& p : m_case.ports)
    if (p.kind == FlowPort::Kind::Outlet) outlet_Pa = std::min(outlet_Pa, p.pressure_Pa);
  if (m_case.coldplate) outlet_Pa = std::min(outlet_Pa, m_case.coldplate->outlet_pressure_Pa);
  if (!std::isfinite(outlet_Pa)) return;
  std::size_t inlets = 0;
  for (const auto& p : m_case.ports) {
    if (p.kind != FlowPort::Kind::Inlet) continue;
    check(p.temperature_K, outlet_Pa, "flow.inlets[" + std::to_string(inlets++) + "].temperature",
          "inlet " + in_quotes(p.name) + ": temperature");
  }
  if (!m_case.gpus) return;
  for (std::size_t i = 0; i < m_case.gpus->instances.size(); ++i) {
    const GpuInstance& gi = m_case.gpus->instances[i];
    if (gi.inlet_temperature_K != 0)
      check(gi.inlet_temperature_K, outlet_Pa,
            "gpus.instances[" + std::to_string(i) + "].inlet_temperature",
            "GPU " + in_quotes(gi.name) + ": inlet_temperature");
  }
}

}  // namespace kelvin::parse_detail
