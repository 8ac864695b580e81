#pragma once
/// Field-by-field comparison of two Cases, shared by the parser unit test and the fuzzer (which
/// checks that resolved_case_yaml() round-trips every valid case it finds).
#include <array>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "solver/case/case.hpp"

namespace kelvin::testing {

/// The first difference between a and b as "path: a vs b", or "" when they hold the same
/// settings. Case::file and Case::key_marks (where things were written) are not settings and
/// are ignored. Doubles must match exactly: the resolved YAML is meant to be lossless.
inline std::string case_difference(const Case& a, const Case& b) {
  std::ostringstream out;
  out.precision(17);
  bool differ = false;
  const auto cmp = [&](const std::string& path, const auto& x, const auto& y) {
    if (differ || x == y) return;
    differ = true;
    out << path << ": ";
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(x)>> ||
                  std::is_same_v<std::decay_t<decltype(x)>, std::string>)
      out << x << " vs " << y;
    else
      out << "differ";
  };
  const auto cmp_size = [&](const std::string& path, std::size_t x, std::size_t y) {
    cmp(path + ".size", x, y);
    return !differ;
  };
  cmp("name", a.name, b.name);
  cmp("description", a.description, b.description);
  cmp("initial_temperature_K", a.initial_temperature_K, b.initial_temperature_K);
  cmp("mesh.max_cell_size_m", a.mesh.max_cell_size_m, b.mesh.max_cell_size_m);
  cmp("domain.has_value", a.domain.has_value(), b.domain.has_value());
  if (!differ && a.domain) {
    cmp("domain.min_m", a.domain->min_m, b.domain->min_m);
    cmp("domain.max_m", a.domain->max_m, b.domain->max_m);
    cmp("domain.background", a.domain->background_material, b.domain->background_material);
  }
  if (cmp_size("materials", a.materials.size(), b.materials.size()))
    for (std::size_t i = 0; i < a.materials.size(); ++i) {
      const auto p = "materials[" + std::to_string(i) + "]";
      const auto &x = a.materials[i], &y = b.materials[i];
      cmp(p + ".name", x.name, y.name);
      cmp(p + ".conductivity", x.conductivity_W_mK, y.conductivity_W_mK);
      cmp(p + ".density", x.density_kg_m3, y.density_kg_m3);
      cmp(p + ".specific_heat", x.specific_heat_J_kgK, y.specific_heat_J_kgK);
    }
  if (cmp_size("boxes", a.boxes.size(), b.boxes.size()))
    for (std::size_t i = 0; i < a.boxes.size(); ++i) {
      const auto p = "boxes[" + std::to_string(i) + "]";
      const auto &x = a.boxes[i], &y = b.boxes[i];
      cmp(p + ".name", x.name, y.name);
      cmp(p + ".material", x.material, y.material);
      cmp(p + ".min", x.min_m, y.min_m);
      cmp(p + ".max", x.max_m, y.max_m);
      cmp(p + ".cell_size", x.cell_size_m, y.cell_size_m);
    }
  if (cmp_size("sources", a.sources.size(), b.sources.size()))
    for (std::size_t i = 0; i < a.sources.size(); ++i) {
      const auto p = "sources[" + std::to_string(i) + "]";
      const auto &x = a.sources[i], &y = b.sources[i];
      cmp(p + ".name", x.name, y.name);
      cmp(p + ".min", x.min_m, y.min_m);
      cmp(p + ".max", x.max_m, y.max_m);
      cmp(p + ".kind", static_cast<int>(x.kind), static_cast<int>(y.kind));
      cmp(p + ".value", x.value, y.value);
      cmp(p + ".power_map.has_value", x.power_map.has_value(), y.power_map.has_value());
      if (!differ && x.power_map) {
        cmp(p + ".power_map.rows", x.power_map->rows, y.power_map->rows);
        cmp(p + ".power_map.cols", x.power_map->cols, y.power_map->cols);
        cmp(p + ".power_map.values", x.power_map->values, y.power_map->values);
      }
    }
  if (cmp_size("boundaries", a.boundaries.size(), b.boundaries.size()))
    for (std::size_t i = 0; i < a.boundaries.size(); ++i) {
      const auto p = "boundaries[" + std::to_string(i) + "]";
      const auto &x = a.boundaries[i], &y = b.boundaries[i];
      cmp(p + ".face", static_cast<int>(x.face), static_cast<int>(y.face));
      cmp(p + ".type", static_cast<int>(x.type), static_cast<int>(y.type));
      cmp(p + ".temperature", x.temperature_K, y.temperature_K);
      cmp(p + ".heat_flux", x.heat_flux_W_m2, y.heat_flux_W_m2);
      cmp(p + ".h", x.htc_W_m2K, y.htc_W_m2K);
      cmp(p + ".has_region", x.has_region, y.has_region);
      cmp(p + ".region_min", x.region_min_m, y.region_min_m);
      cmp(p + ".region_max", x.region_max_m, y.region_max_m);
    }
  if (cmp_size("contacts", a.contacts.size(), b.contacts.size()))
    for (std::size_t i = 0; i < a.contacts.size(); ++i) {
      const auto p = "contacts[" + std::to_string(i) + "]";
      const auto &x = a.contacts[i], &y = b.contacts[i];
      cmp(p + ".material_a", x.material_a, y.material_a);
      cmp(p + ".material_b", x.material_b, y.material_b);
      cmp(p + ".resistance", x.resistance_K_m2_W, y.resistance_K_m2_W);
    }
  if (cmp_size("probes", a.probes.size(), b.probes.size()))
    for (std::size_t i = 0; i < a.probes.size(); ++i) {
      const auto p = "probes[" + std::to_string(i) + "]";
      cmp(p + ".name", a.probes[i].name, b.probes[i].name);
      cmp(p + ".at", a.probes[i].position_m, b.probes[i].position_m);
    }
  cmp("solver.tolerance", a.solver.tolerance, b.solver.tolerance);
  cmp("solver.max_iterations", a.solver.max_iterations, b.solver.max_iterations);
  const auto &s = a.transient, &t = b.transient;
  cmp("transient.enabled", s.enabled, t.enabled);
  cmp("transient.end_time", s.end_time_s, t.end_time_s);
  cmp("transient.time_step", s.time_step_s, t.time_step_s);
  cmp("transient.scheme", static_cast<int>(s.scheme), static_cast<int>(t.scheme));
  cmp("transient.adaptive", s.adaptive, t.adaptive);
  cmp("transient.min_step", s.min_step_s, t.min_step_s);
  cmp("transient.max_step", s.max_step_s, t.max_step_s);
  cmp("transient.tolerance", s.tolerance_K, t.tolerance_K);
  cmp("transient.output_interval", s.output_interval_s, t.output_interval_s);
  cmp("coolant.has_value", a.coolant.has_value(), b.coolant.has_value());
  if (!differ && a.coolant) {
    const auto &x = *a.coolant, &y = *b.coolant;
    cmp("coolant.fluid", x.fluid, y.fluid);
    cmp("coolant.material", x.material, y.material);
    cmp("coolant.constant_properties", x.constant_properties, y.constant_properties);
    cmp("coolant.user.has_value", x.user.has_value(), y.user.has_value());
    if (!differ && x.user) {
      const auto &u = *x.user, &v = *y.user;
      cmp("coolant.fluid.name", u.name, v.name);
      cmp("coolant.fluid.temperature", u.temperature_K, v.temperature_K);
      cmp("coolant.fluid.density", u.density, v.density);
      cmp("coolant.fluid.specific_heat", u.specific_heat, v.specific_heat);
      cmp("coolant.fluid.conductivity", u.conductivity, v.conductivity);
      cmp("coolant.fluid.viscosity", u.viscosity, v.viscosity);
      cmp("coolant.fluid.valid_range", std::array<double, 2>{u.t_min_K, u.t_max_K},
          std::array<double, 2>{v.t_min_K, v.t_max_K});
    }
  }
  return out.str();
}

}  // namespace kelvin::testing
