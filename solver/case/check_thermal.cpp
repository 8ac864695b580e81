// check_case() and its Checker: where it reports, and the checks of the thermal model
// (materials, domain, boxes, sources, boundaries, contacts, probes, mesh, solver and transient
// settings).
#include <algorithm>
#include <cmath>
#include <set>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

bool finite3(const std::array<double, 3>& a) {
  return std::isfinite(a[0]) && std::isfinite(a[1]) && std::isfinite(a[2]);
}

bool ordered3(const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  return finite3(lo) && finite3(hi) && lo[0] < hi[0] && lo[1] < hi[1] && lo[2] < hi[2];
}

/// The first axis along which lo < hi fails, as "x", "y" or "z".
std::string bad_axis(const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  for (int d = 0; d < 3; ++d)
    if (!(lo[d] < hi[d])) return std::string(1, "xyz"[d]);
  return "?";
}

}  // namespace

std::string vec_text(const std::array<double, 3>& a, const char* unit) {
  return "[" + num(a[0]) + ", " + num(a[1]) + ", " + num(a[2]) + "] " + unit;
}

bool Checker::failed(std::string path) const {
  for (;;) {
    if (m_case.key_marks.count("!" + path)) return true;
    if (path.empty()) return false;
    const auto cut = path.find_last_of(".[");
    path = cut == std::string::npos ? std::string() : path.substr(0, cut);
  }
}

bool Checker::failed_under(const std::string& path) const {
  if (failed(path)) return true;
  const std::string bang = "!" + path;
  for (auto it = m_case.key_marks.lower_bound(bang);
       it != m_case.key_marks.end() && it->first.rfind(bang, 0) == 0; ++it) {
    const char next = it->first.size() > bang.size() ? it->first[bang.size()] : '.';
    if (next == '.' || next == '[') return true;
  }
  return false;
}

Diagnostic Checker::place(const std::string& path, const SourceMark& fallback,
                          const std::string& message) const {
  const auto it = m_case.key_marks.find(path);
  const SourceMark* m = it != m_case.key_marks.end() ? &it->second : &fallback;
  if (m->line <= 0) {
    // A parent path ("boxes[0]" for "boxes[0].min") is better than nothing.
    std::string p = path;
    while (m->line <= 0) {
      const auto cut = p.find_last_of('.');
      if (cut == std::string::npos) break;
      p = p.substr(0, cut);
      const auto up = m_case.key_marks.find(p);
      if (up != m_case.key_marks.end()) m = &up->second;
    }
  }
  const std::string& file = m->file.empty() ? m_case.file : m->file;
  // A missing top-level key has no line of its own: point at the start of the document.
  if (m->line <= 0) return {file, 1, 1, message};
  return {file, m->line, m->column, message};
}

void Checker::report(const std::string& path, const SourceMark& fallback,
                     const std::string& message) {
  if (failed(path)) return;  // its default value says nothing about the user's input
  m_diags.push_back(place(path, fallback, message));
}

void Checker::warn(const std::string& path, const std::string& message) {
  m_warnings.push_back(place(path, SourceMark{}, message));
}

bool Checker::any_error() const {
  if (m_diags.size() > m_first_diag) return true;
  const auto it = m_case.key_marks.lower_bound("!");
  return it != m_case.key_marks.end() && it->first[0] == '!';
}

void Checker::run() {
  check_materials();
  check_coolant();
  check_coldplate();  // before check_domain: the plate is part of the natural domain
  check_domain();
  check_boxes();
  check_sources();
  check_boundaries();
  check_contacts();
  check_probes();
  check_settings();
  check_flow();
  check_port_overlaps();
  check_gpus();
  check_boiling();
  check_mesh();  // last: it needs a case without errors
}

std::string Checker::nearest_marked(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    if (m_case.key_marks.count(p)) return p;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p = p.substr(0, cut);
  }
  return path;
}

void Checker::check_material_ref(const std::string& name, const std::string& path,
                                 const SourceMark& fallback, const std::string& who) {
  if (std::find(m_material_names.begin(), m_material_names.end(), name) != m_material_names.end())
    return;
  report(path, fallback,
         who + ": unknown material " + in_quotes(name) + did_you_mean(name, m_material_names) +
             (m_material_names.empty() ? " (no materials are defined)"
                                       : " (defined: " + join(m_material_names) + ")"));
}

void Checker::check_materials() {
  if (m_case.materials.empty() && !geometry_optional())
    report("materials", "the case defines no materials; add at least one under \"materials\"");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.materials.size(); ++i) {
    const Material& m = m_case.materials[i];
    const std::string path = "materials[" + std::to_string(i) + "]";
    const std::string who = "material " + in_quotes(m.name);
    m_material_names.push_back(m.name);
    if (!printable_name(m.name))
      report(path, m.mark, who + ": names must be non-empty printable UTF-8 text");
    if (!seen.insert(m.name).second)
      report(path, m.mark, "duplicate material " + in_quotes(m.name));
    for (double k : m.conductivity_W_mK) {
      if (!(k > 0 && std::isfinite(k))) {
        report(path + ".conductivity", m.mark,
               who + ": conductivity must be positive and finite, got " +
                   vec_text(m.conductivity_W_mK, "W/m/K"));
        break;
      }
    }
    if (!(m.density_kg_m3 > 0 && std::isfinite(m.density_kg_m3)))
      report(
          path + ".density", m.mark,
          who + ": density must be positive and finite, got " + num(m.density_kg_m3) + " kg/m^3");
    if (!(m.specific_heat_J_kgK > 0 && std::isfinite(m.specific_heat_J_kgK)))
      report(path + ".specific_heat", m.mark,
             who + ": specific_heat must be positive and finite, got " +
                 num(m.specific_heat_J_kgK) + " J/kg/K");
  }
}

void Checker::check_domain() {
  if (m_case.domain) {
    const DomainSpec& d = *m_case.domain;
    if (failed("domain.min") || failed("domain.max")) {
      // Unknown extent: skip every check that needs the domain.
    } else if (!ordered3(d.min_m, d.max_m)) {
      report("domain.max", d.mark,
             "domain: min must be less than max along every axis (not along " +
                 bad_axis(d.min_m, d.max_m) + "): min " + vec_text(d.min_m, "m") + ", max " +
                 vec_text(d.max_m, "m"));
    } else {
      m_has_domain = true;
      m_domain = {d.min_m, d.max_m};
    }
    if (!d.background_material.empty())
      check_material_ref(d.background_material, "domain.background", d.mark, "domain background");
    return;
  }
  // No explicit domain: the bounding box of every well-formed box and of the cold plate.
  bool any = false;
  const auto extend = [&](const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
    if (!ordered3(lo, hi)) return;
    for (int a = 0; a < 3; ++a) {
      m_domain.lo[a] = any ? std::min(m_domain.lo[a], lo[a]) : lo[a];
      m_domain.hi[a] = any ? std::max(m_domain.hi[a], hi[a]) : hi[a];
    }
    any = true;
  };
  for (const auto& b : m_case.boxes) extend(b.min_m, b.max_m);
  if (m_plate_extent) extend(m_plate_extent->lo, m_plate_extent->hi);
  m_has_domain = any;
}

void Checker::check_boxes() {
  if (m_case.boxes.empty() && !m_case.coldplate && !geometry_optional())
    report("boxes", "the case defines no boxes; add at least one under \"boxes\"");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.boxes.size(); ++i) {
    const BoxSpec& b = m_case.boxes[i];
    const std::string path = "boxes[" + std::to_string(i) + "]";
    const std::string who = "box " + in_quotes(b.name);
    if (!printable_name(b.name))
      report(path + ".name", b.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(b.name).second)
      report(path + ".name", b.mark, "duplicate box name " + in_quotes(b.name));
    check_material_ref(b.material, path + ".material", b.mark, who);
    if (failed(path + ".min") || failed(path + ".max")) {
      // Already reported by the parser.
    } else if (!ordered3(b.min_m, b.max_m)) {
      report(path + ".max", b.mark,
             who + ": min must be less than max along every axis (not along " +
                 bad_axis(b.min_m, b.max_m) + "): min " + vec_text(b.min_m, "m") + ", max " +
                 vec_text(b.max_m, "m"));
    } else if (m_case.domain && m_has_domain && !inside(b.min_m, b.max_m)) {
      report(path + ".max", b.mark,
             who + " [" + vec_text(b.min_m, "m") + " .. " + vec_text(b.max_m, "m") +
                 "] reaches outside the domain [" + vec_text(m_domain.lo, "m") + " .. " +
                 vec_text(m_domain.hi, "m") + "]");
    }
    for (double h : b.cell_size_m) {
      if (!(h >= 0 && std::isfinite(h))) {
        report(
            path + ".cell_size", b.mark,
            who + ": cell_size must be positive and finite, got " + vec_text(b.cell_size_m, "m"));
        break;
      }
    }
  }
}

void Checker::check_sources() {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.sources.size(); ++i) {
    const HeatSource& s = m_case.sources[i];
    const std::string path = "sources[" + std::to_string(i) + "]";
    const std::string who = "source " + in_quotes(s.name);
    if (!printable_name(s.name))
      report(path + ".name", s.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(s.name).second)
      report(path + ".name", s.mark, "duplicate source name " + in_quotes(s.name));
    const bool total = s.kind == HeatSource::Kind::TotalPower;
    const std::string value_key = total ? "power" : "power_density";
    if (!(s.value >= 0 && std::isfinite(s.value)))
      report(path + "." + value_key, s.mark,
             who + ": " + value_key + " must be zero or positive and finite, got " + num(s.value) +
                 (total ? " W" : " W/m^3"));
    const std::string where_path =
        m_case.key_marks.count(path + ".box") ? path + ".box" : path + ".max";
    if (failed(path + ".min") || failed(path + ".max") || failed(path + ".box")) {
      // Already reported by the parser.
    } else if (!ordered3(s.min_m, s.max_m)) {
      report(where_path, s.mark,
             who + ": min must be less than max along every axis (not along " +
                 bad_axis(s.min_m, s.max_m) + "): min " + vec_text(s.min_m, "m") + ", max " +
                 vec_text(s.max_m, "m"));
    } else if (m_has_domain) {
      if (!inside(s.min_m, s.max_m))
        report(where_path, s.mark,
               who + " [" + vec_text(s.min_m, "m") + " .. " + vec_text(s.max_m, "m") +
                   "] reaches outside the domain [" + vec_text(m_domain.lo, "m") + " .. " +
                   vec_text(m_domain.hi, "m") + "]");
      bool overlaps = false;
      const auto overlap = [&](const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
        if (!ordered3(lo, hi)) return;
        bool all = true;
        for (int d = 0; d < 3; ++d)
          all = all && std::min(s.max_m[d], hi[d]) > std::max(s.min_m[d], lo[d]);
        overlaps = overlaps || all;
      };
      for (const auto& b : m_case.boxes) overlap(b.min_m, b.max_m);
      if (m_plate_extent) overlap(m_plate_extent->lo, m_plate_extent->hi);
      // With a background material every point of the domain is inside some material.
      const bool background = m_case.domain && !m_case.domain->background_material.empty();
      if (!overlaps && !background)
        report(where_path, s.mark,
               who + " does not overlap any box, so its heat would go into no material");
    }
    if (s.power_map) {
      const PowerMap& pm = *s.power_map;
      const std::string pm_path = path + ".power_map";
      if (pm.rows < 1 || pm.cols < 1 ||
          static_cast<double>(pm.rows) * pm.cols != static_cast<double>(pm.values.size())) {
        report(pm_path, s.mark,
               who + ": power map has " + std::to_string(pm.values.size()) + " values for " +
                   std::to_string(pm.rows) + " rows x " + std::to_string(pm.cols) + " columns");
      } else {
        bool bad = false, any_positive = false;
        for (double v : pm.values) {
          bad = bad || !(v >= 0 && std::isfinite(v));
          any_positive = any_positive || v > 0;
        }
        if (bad)
          report(pm_path, s.mark, who + ": power map values must be zero or positive and finite");
        else if (!any_positive)
          report(pm_path, s.mark,
                 who +
                     ": power map values are all zero; the weights need at "
                     "least one positive value");
      }
    }
  }
}

void Checker::check_boundaries() {
  bool has_fixed = false;
  for (std::size_t i = 0; i < m_case.boundaries.size(); ++i) {
    const BoundaryCondition& bc = m_case.boundaries[i];
    const std::string path = "boundaries[" + std::to_string(i) + "]";
    const int face_index = static_cast<int>(bc.face);
    const bool face_ok = face_index >= 0 && face_index < 6;
    const std::string who =
        "boundary #" + std::to_string(i + 1) +
        (failed(path + ".face") ? std::string() : std::string(" (") + face_name(bc.face) + ")");
    if (!face_ok) report(path + ".face", bc.mark, who + ": invalid face");
    using Type = BoundaryCondition::Type;
    if (bc.type == Type::Temperature || bc.type == Type::Convection) {
      has_fixed = true;
      if (!(bc.temperature_K > 0 && bc.temperature_K <= kMaxSolidTemperature_K))
        report(path + ".temperature", bc.mark,
               who + ": temperature must be above absolute zero and at most " +
                   num(kMaxSolidTemperature_K) + " K (beyond any solid's melting point), got " +
                   num(bc.temperature_K) + " K");
    }
    if (bc.type == Type::Convection && !(bc.htc_W_m2K > 0 && std::isfinite(bc.htc_W_m2K)))
      report(path + ".h", bc.mark,
             who + ": h must be positive and finite, got " + num(bc.htc_W_m2K) + " W/m^2/K");
    if (bc.type == Type::HeatFlux && !std::isfinite(bc.heat_flux_W_m2))
      report(path + ".heat_flux", bc.mark, who + ": heat_flux must be finite");
    if (bc.has_region) check_region(path, bc.mark, who, bc.face, bc.region_min_m, bc.region_max_m);
  }
  // A boundary whose type could not be read might have been the fixed one.
  bool type_unknown = failed("transient");
  for (const auto& kv : m_case.key_marks)
    type_unknown = type_unknown || kv.first.rfind("!boundaries", 0) == 0;
  // With flow, the inlet temperature fixes the level: the coolant carries the heat out. (A
  // flow without its coolant is reported as that.)
  const bool flow = m_case.coldplate.has_value() || !m_case.ports.empty();
  if (!m_case.transient.enabled && !has_fixed && !type_unknown && !flow && !geometry_optional())
    report("boundaries",
           "a steady case needs at least one boundary of type temperature or convection: with "
           "only adiabatic and heat_flux faces the steady temperature is not unique (add one, or "
           "a \"transient\" section)");
}

void Checker::check_region(const std::string& path, const SourceMark& mark, const std::string& who,
                           Face face, const std::array<double, 2>& lo_,
                           const std::array<double, 2>& hi_) {
  const int face_index = static_cast<int>(face);
  if (face_index < 0 || face_index >= 6 || failed(path + ".region.min") ||
      failed(path + ".region.max") || failed(path + ".face"))
    return;
  const int normal = face_index / 2;
  int tangential[2], t = 0;
  for (int d = 0; d < 3; ++d)
    if (d != normal) tangential[t++] = d;
  for (int j = 0; j < 2; ++j) {
    const double lo = lo_[j], hi = hi_[j];
    const char axis = "xyz"[tangential[j]];
    if (!(lo < hi && std::isfinite(lo) && std::isfinite(hi))) {
      report(path + ".region", mark,
             who + ": region min must be less than max along " + axis + ", got " + num(lo) +
                 " .. " + num(hi) + " m");
      return;
    }
    const double dlo = m_domain.lo[tangential[j]], dhi = m_domain.hi[tangential[j]];
    const double tol = 1e-9 * (dhi - dlo);
    if (m_has_domain && (lo < dlo - tol || hi > dhi + tol)) {
      report(path + ".region", mark,
             who + ": region " + num(lo) + " .. " + num(hi) + " m along " + axis +
                 " reaches outside the face (" + num(dlo) + " .. " + num(dhi) + " m)");
      return;
    }
  }
}

void Checker::check_contacts() {
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < m_case.contacts.size(); ++i) {
    const ContactResistance& c = m_case.contacts[i];
    const std::string path = "contact_resistances[" + std::to_string(i) + "]";
    const std::string who = "contact resistance #" + std::to_string(i + 1);
    check_material_ref(c.material_a, path + ".between", c.mark, who);
    check_material_ref(c.material_b, path + ".between", c.mark, who);
    if (c.material_a == c.material_b)
      report(path + ".between", c.mark,
             who + ": a contact resistance needs two different materials, got " +
                 in_quotes(c.material_a) + " twice");
    const auto key = std::minmax(c.material_a, c.material_b);
    if (!seen.insert({key.first, key.second}).second)
      report(path + ".between", c.mark,
             who + ": a contact resistance between " + in_quotes(key.first) + " and " +
                 in_quotes(key.second) + " is already given");
    if (!(c.resistance_K_m2_W >= 0 && std::isfinite(c.resistance_K_m2_W)))
      report(path + ".resistance", c.mark,
             who + ": resistance must be zero or positive and finite, got " +
                 num(c.resistance_K_m2_W) + " K*m^2/W");
  }
}

void Checker::check_probes() {
  if (static_cast<long long>(m_case.probes.size()) > kMaxProbes) {
    report("probes", "the case has " + std::to_string(m_case.probes.size()) +
                         " probes, more than the limit of " + std::to_string(kMaxProbes) +
                         " (each is a column of every time series and a line of every summary)");
    return;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.probes.size(); ++i) {
    const Probe& p = m_case.probes[i];
    const std::string path = "probes[" + std::to_string(i) + "]";
    const std::string who = "probe " + in_quotes(p.name);
    if (!printable_name(p.name))
      report(path + ".name", p.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(p.name).second)
      report(path + ".name", p.mark, "duplicate probe name " + in_quotes(p.name));
    if (!finite3(p.position_m))
      report(path + ".at", p.mark, who + ": position must be finite");
    else if (m_has_domain && !inside(p.position_m, p.position_m))
      report(path + ".at", p.mark,
             who + " at " + vec_text(p.position_m, "m") + " lies outside the domain [" +
                 vec_text(m_domain.lo, "m") + " .. " + vec_text(m_domain.hi, "m") + "]");
  }
}

void Checker::check_settings() {
  if (!m_case.junction_material.empty())
    check_material_ref(m_case.junction_material, "junction_material", SourceMark{},
                       "junction_material");
  if (!m_case.case_material.empty())
    check_material_ref(m_case.case_material, "case_material", SourceMark{}, "case_material");
  if (!m_case.name.empty() && !printable_name(m_case.name))
    report("name", "the case name must be printable UTF-8 text");
  if (!valid_utf8(m_case.description)) report("description", "the description must be UTF-8 text");
  const double t0 = m_case.initial_temperature_K;
  if (!(t0 > 0 && t0 <= kMaxSolidTemperature_K))
    report("initial_temperature", "initial_temperature must be above absolute zero and at most " +
                                      num(kMaxSolidTemperature_K) +
                                      " K (beyond any solid's melting point), got " + num(t0) +
                                      " K");
  for (double h : m_case.mesh.max_cell_size_m) {
    if (!(h > 0 && std::isfinite(h))) {
      report("mesh.max_cell_size", "mesh: max_cell_size must be positive and finite, got " +
                                       vec_text(m_case.mesh.max_cell_size_m, "m"));
      break;
    }
  }
  const double tol = m_case.solver.tolerance;
  if (!(tol > 0 && tol < 1))
    report("solver.tolerance",
           "solver: tolerance is a relative residual and must lie in (0, 1), got " + num(tol));
  if (m_case.solver.max_iterations < 1)
    report("solver.max_iterations", "solver: max_iterations must be at least 1, got " +
                                        std::to_string(m_case.solver.max_iterations));

  const TransientSettings& t = m_case.transient;
  if (!t.enabled) return;
  const auto positive = [&](double v, const char* key) {
    if (!(v > 0 && std::isfinite(v)))
      report(
          std::string("transient.") + key,
          std::string("transient: ") + key + " must be positive and finite, got " + num(v) + " s");
  };
  positive(t.end_time_s, "end_time");
  positive(t.time_step_s, "time_step");
  const auto non_negative = [&](double v, const char* key, const char* unit, const char* zero) {
    if (!(v >= 0 && std::isfinite(v)))
      report(std::string("transient.") + key, std::string("transient: ") + key + " must be zero (" +
                                                  zero + ") or positive and finite, got " + num(v) +
                                                  " " + unit);
  };
  non_negative(t.min_step_s, "min_step", "s", "time_step / 1000");
  non_negative(t.max_step_s, "max_step", "s", "end_time / 10");
  non_negative(t.output_interval_s, "output_interval", "s", "final time only");
  positive(t.checkpoint_interval_s, "checkpoint_interval");
  if (t.adaptive && !(t.tolerance_K > 0 && std::isfinite(t.tolerance_K)))
    report("transient.tolerance",
           "transient: tolerance must be positive and finite, got " + num(t.tolerance_K) + " K");
  // Compare the bounds the solver will actually use (0 means a default).
  const double min_step = t.min_step_s > 0 ? t.min_step_s : t.time_step_s / 1000;
  const double max_step = t.max_step_s > 0 ? t.max_step_s : t.end_time_s / 10;
  const bool steps_known = !failed("transient.min_step") && !failed("transient.max_step") &&
                           !failed("transient.time_step") && !failed("transient.end_time");
  check_run_length();
  if (t.adaptive && steps_known && std::isfinite(min_step) && std::isfinite(max_step) &&
      min_step > max_step)
    report(
        m_case.key_marks.count("transient.min_step") ? "transient.min_step" : "transient.max_step",
        "transient: min_step (" + num(min_step) + " s) must not exceed max_step (" + num(max_step) +
            " s)");
}

void Checker::check_run_length() {
  const TransientSettings& t = m_case.transient;
  const bool known = !failed("transient.end_time") && !failed("transient.time_step") &&
                     !failed("transient.max_step") && t.end_time_s > 0 &&
                     std::isfinite(t.end_time_s) && t.time_step_s > 0;
  if (!known) return;
  // Fixed steps: end_time / time_step of them. Adaptive: at least end_time / max_step.
  const double max_step = t.max_step_s > 0 ? t.max_step_s : t.end_time_s / 10;
  const double steps = t.end_time_s / (t.adaptive ? max_step : t.time_step_s);
  if (steps > kMaxTimeSteps)
    report(t.adaptive ? "transient.max_step" : "transient.time_step",
           "transient: end_time " + num(t.end_time_s) + " s in steps of " +
               (t.adaptive ? "at most " + num(max_step) + " s (max_step) is at least "
                           : num(t.time_step_s) + " s is ") +
               num(steps) + " steps, more than the limit of " + num(kMaxTimeSteps) + "; increase " +
               (t.adaptive ? "max_step" : "time_step") + " or shorten end_time");
  const double outputs = t.output_interval_s > 0 && !failed("transient.output_interval")
                             ? std::floor(t.end_time_s / t.output_interval_s)
                             : 0;
  if (outputs > kMaxOutputTimes)
    report("transient.output_interval", "transient: an output every " + num(t.output_interval_s) +
                                            " s over " + num(t.end_time_s) + " s is " +
                                            num(outputs) +
                                            " output times (a file each), more than the limit of " +
                                            num(kMaxOutputTimes) + "; increase output_interval");
}

}  // namespace kelvin::parse_detail

namespace kelvin {

void check_case(const Case& c, std::vector<Diagnostic>& diags, std::vector<std::string>* warnings) {
  const std::size_t first = diags.size();
  std::vector<Diagnostic> found;
  try {
    parse_detail::Checker(c, diags, found).run();
  } catch (const std::exception& e) {
    diags.push_back({c.file, 0, 0, std::string("cannot check the case: ") + e.what()});
  }
  parse_detail::sort_by_position(diags, first);
  // A warning about a case with errors could be about a value the errors explain.
  const auto fail = c.key_marks.lower_bound("!");
  const bool parse_failed = fail != c.key_marks.end() && fail->first[0] == '!';
  if (!warnings || diags.size() > first || parse_failed) return;
  parse_detail::sort_by_position(found, 0);
  for (auto& w : found) {
    w.message = "warning: " + w.message;
    warnings->push_back(w.to_string());
  }
}

}  // namespace kelvin
