// The case's top level and its thermal sections: mesh, domain, materials, boxes, heat sources
// (their power maps are in parse_power_map.cpp), boundary conditions, contact resistances,
// probes, solver and transient.
#include <algorithm>
#include <map>

#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

const std::vector<std::string> kBoundaryTypes{"temperature", "heat_flux", "convection",
                                              "adiabatic"};

}  // namespace

void Parser::parse_top(const YAML::Node& root) {
  static const std::vector<std::string> allowed{"name",
                                                "description",
                                                "initial_temperature",
                                                "mesh",
                                                "domain",
                                                "materials",
                                                "boxes",
                                                "sources",
                                                "boundaries",
                                                "contact_resistances",
                                                "probes",
                                                "solver",
                                                "transient",
                                                "coolant",
                                                "coldplate",
                                                "flow",
                                                "junction_material",
                                                "case_material",
                                                "gpu_models",
                                                "gpus",
                                                "workload",
                                                "loop",
                                                "facility"};
  std::map<std::string, YAML::Node> sections;
  const Context top{"", ""};
  const auto seen = walk(root, top, allowed, [&](const std::string& k, const YAML::Node& v) {
    sections.emplace(k, v);  // emplace: assigning to a YAML::Node would rebind the document
  });
  require(seen, {"name"}, root, top);

  // Sections are parsed in dependency order, not file order: sources refer to boxes by name.
  // Each one is guarded so a surprise in one section still lets the others report.
  const std::vector<std::pair<std::string, void (Parser::*)(const YAML::Node&)>> order{
      {"mesh", &Parser::parse_mesh},
      {"materials", &Parser::parse_materials},
      {"boxes", &Parser::parse_boxes},
      {"domain", &Parser::parse_domain},
      {"sources", &Parser::parse_sources},
      {"boundaries", &Parser::parse_boundaries},
      {"contact_resistances", &Parser::parse_contacts},
      {"probes", &Parser::parse_probes},
      {"solver", &Parser::parse_solver},
      {"transient", &Parser::parse_transient},
      {"coolant", &Parser::parse_coolant_section},
      {"coldplate", &Parser::parse_coldplate},
      {"flow", &Parser::parse_flow},
      {"gpu_models", &Parser::parse_gpu_models},
      {"gpus", &Parser::parse_gpus},
      {"workload", &Parser::parse_workload},
      {"loop", &Parser::parse_loop},
      {"facility", &Parser::parse_facility}};

  if (sections.count("name")) {
    if (auto s = text(sections["name"], "name", top)) m_case.name = *s;
  }
  if (sections.count("description")) {
    if (auto s = text(sections["description"], "description", top, true)) m_case.description = *s;
  }
  if (sections.count("initial_temperature")) {
    if (auto t = quantity(sections["initial_temperature"], Dimension::Temperature,
                          "initial_temperature", top))
      m_case.initial_temperature_K = *t;
  }
  for (const char* key : {"junction_material", "case_material"}) {
    if (!sections.count(key)) continue;
    if (auto s = text(sections[key], key, top))
      (std::string(key) == "junction_material" ? m_case.junction_material : m_case.case_material) =
          *s;
  }
  for (const auto& [key, fn] : order) {
    const auto it = sections.find(key);
    if (it == sections.end()) continue;
    try {
      (this->*fn)(it->second);
    } catch (const YAML::Exception& e) {
      m_key_mark.reset();
      error(e.mark.is_null() ? it->second.Mark() : e.mark,
            "cannot read " + in_quotes(key) + ": " + e.msg);
      fail(key);
    } catch (const std::exception& e) {
      m_key_mark.reset();
      error(it->second, "cannot read " + in_quotes(key) + ": " + e.what());
      fail(key);
    }
  }
  add_coolant_material();
}

void Parser::parse_mesh(const YAML::Node& n) {
  const Context ctx{"mesh", "mesh"};
  walk(n, ctx, {"max_cell_size"}, [&](const std::string& k, const YAML::Node& v) {
    if (auto x = vec3(v, Dimension::Length, k, ctx, true)) m_case.mesh.max_cell_size_m = *x;
  });
}

void Parser::parse_domain(const YAML::Node& n) {
  const Context ctx{"domain", "domain"};
  DomainSpec d;
  d.mark = mark(n);
  const auto seen =
      walk(n, ctx, {"min", "max", "background"}, [&](const std::string& k, const YAML::Node& v) {
        if (k == "min") {
          if (auto x = vec3(v, Dimension::Length, k, ctx)) d.min_m = *x;
        } else if (k == "max") {
          if (auto x = vec3(v, Dimension::Length, k, ctx)) d.max_m = *x;
        } else if (k == "background") {
          if (auto s = text(v, k, ctx)) d.background_material = *s;
        }
      });
  require(seen, {"min", "max"}, n, ctx);
  if (n.IsMap()) m_case.domain = d;
}

void Parser::parse_materials(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n,
          "\"materials\" must be a mapping from material names to their properties "
          "(copper: {conductivity: ..., density: ..., specific_heat: ...}), got " +
              describe(n));
    fail("materials");
    return;
  }
  std::map<std::string, int> first_line;
  for (const auto& kv : n) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar() || key.Scalar().empty()) {
      error(key, "material names must be plain words, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (first_line.count(name)) {
      error(key, "duplicate material " + in_quotes(name) + " (first defined on line " +
                     std::to_string(first_line[name]) + ")");
      continue;
    }
    first_line[name] = mark(key).line;
    const Context ctx{"material " + in_quotes(name),
                      "materials[" + std::to_string(m_case.materials.size()) + "]"};
    Material m;
    m.name = name;
    m.mark = mark(key);
    m_case.key_marks[ctx.path] = m.mark;
    const YAML::Node& props = kv.second;
    const auto seen = walk(props, ctx, {"conductivity", "density", "specific_heat"},
                           [&](const std::string& k, const YAML::Node& v) {
                             if (k == "conductivity") {
                               if (auto x = vec3(v, Dimension::Conductivity, k, ctx, true))
                                 m.conductivity_W_mK = *x;
                             } else if (k == "density") {
                               if (auto x = quantity(v, Dimension::Density, k, ctx))
                                 m.density_kg_m3 = *x;
                             } else if (k == "specific_heat") {
                               if (auto x = quantity(v, Dimension::SpecificHeat, k, ctx))
                                 m.specific_heat_J_kgK = *x;
                             }
                           });
    require(seen, {"conductivity", "density", "specific_heat"}, props, ctx);
    m_case.materials.push_back(m);
  }
}

void Parser::parse_boxes(const YAML::Node& n) {
  if (!expect_list(n, "boxes", " of boxes (each starting with \"- name: ...\")")) return;
  for (const auto& item : n) {
    const std::size_t index = m_case.boxes.size();
    const std::string name = peek_name(item);
    const Context ctx{name.empty() ? "box #" + std::to_string(index + 1) : "box " + in_quotes(name),
                      "boxes[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    BoxSpec b;
    b.mark = mark(item);
    m_case.key_marks[ctx.path] = b.mark;
    const auto seen = walk(item, ctx, {"name", "material", "min", "max", "cell_size"},
                           [&](const std::string& k, const YAML::Node& v) {
                             if (k == "name") {
                               if (auto s = text(v, k, ctx)) b.name = *s;
                             } else if (k == "material") {
                               if (auto s = text(v, k, ctx)) b.material = *s;
                             } else if (k == "min") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx)) b.min_m = *x;
                             } else if (k == "max") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx)) b.max_m = *x;
                             } else if (k == "cell_size") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx, true))
                                 b.cell_size_m = *x;
                             }
                           });
    require(seen, {"name", "material", "min", "max"}, item, ctx);
    m_case.boxes.push_back(b);
  }
}

void Parser::parse_sources(const YAML::Node& n) {
  if (!expect_list(n, "sources", " of heat sources (each starting with \"- name: ...\")")) return;
  for (const auto& item : n) {
    const std::size_t index = m_case.sources.size();
    const std::string name = peek_name(item);
    const Context ctx{
        name.empty() ? "source #" + std::to_string(index + 1) : "source " + in_quotes(name),
        "sources[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    HeatSource s;
    s.mark = mark(item);
    m_case.key_marks[ctx.path] = s.mark;
    std::optional<YAML::Node> box;
    const auto seen =
        walk(item, ctx, {"name", "box", "min", "max", "power", "power_density", "power_map"},
             [&](const std::string& k, const YAML::Node& v) {
               if (k == "name") {
                 if (auto t = text(v, k, ctx)) s.name = *t;
               } else if (k == "box") {
                 box.emplace(v);
               } else if (k == "min") {
                 if (auto x = vec3(v, Dimension::Length, k, ctx)) s.min_m = *x;
               } else if (k == "max") {
                 if (auto x = vec3(v, Dimension::Length, k, ctx)) s.max_m = *x;
               } else if (k == "power") {
                 s.kind = HeatSource::Kind::TotalPower;
                 if (auto x = quantity(v, Dimension::Power, k, ctx)) s.value = *x;
               } else if (k == "power_density") {
                 s.kind = HeatSource::Kind::PowerDensity;
                 if (auto x = quantity(v, Dimension::PowerDensity, k, ctx)) s.value = *x;
               } else if (k == "power_map") {
                 parse_power_map(v, ctx, s);
               }
             });
    require(seen, {"name"}, item, ctx);

    const bool has_box = seen.count("box"), has_min = seen.count("min"),
               has_max = seen.count("max");
    if (has_box && (has_min || has_max)) {
      error(*box, ctx.desc + ": give either \"box\" or \"min\" and \"max\", not both");
      fail(ctx.key_path("box"));
    } else if (!has_box && !(has_min && has_max)) {
      error(item, ctx.desc + " needs \"box\" (the name of a box) or both \"min\" and \"max\"");
      fail(ctx.key_path("max"));
    }
    if (has_box) {
      const YAML::Node& box_node = *box;
      if (auto box_name = text(box_node, "box", ctx)) {
        const auto it = std::find_if(m_case.boxes.begin(), m_case.boxes.end(),
                                     [&](const BoxSpec& b) { return b.name == *box_name; });
        if (it != m_case.boxes.end()) {
          s.min_m = it->min_m;
          s.max_m = it->max_m;
          // A box whose extent was already reported gives the source no extent to check.
          const std::string box_path = "boxes[" + std::to_string(it - m_case.boxes.begin()) + "]";
          for (const char* suffix : {"", ".min", ".max"})
            if (m_case.key_marks.count("!" + box_path + suffix)) fail(ctx.key_path("box"));
        } else {
          std::vector<std::string> names;
          for (const auto& b : m_case.boxes) names.push_back(b.name);
          error(box_node, ctx.key_desc("box") + ": no box named " + in_quotes(*box_name) +
                              did_you_mean(*box_name, names));
          fail(ctx.key_path("box"));
        }
      }
    }
    const bool has_p = seen.count("power"), has_q = seen.count("power_density");
    if (has_p && has_q) {
      error(item, ctx.desc + ": give either \"power\" (W) or \"power_density\" (W/m^3), not both");
      fail(ctx.key_path("power"));
      fail(ctx.key_path("power_density"));
    } else if (!has_p && !has_q && !seen.count("?power") && !seen.count("?power_density")) {
      error(item, ctx.desc +
                      " needs \"power\" (total, e.g. 700 W) or \"power_density\" "
                      "(e.g. 1e9 W/m^3)");
      fail(ctx.key_path("power"));
    }
    if (has_q && seen.count("power_map")) {
      // A power density is uniform by definition (see HeatSource); a map needs a total to share.
      error(item, ctx.desc +
                      ": a power_map needs \"power\" (the total it distributes), not "
                      "\"power_density\"");
      fail(ctx.key_path("power_map"));
    }
    m_case.sources.push_back(s);
  }
}

void Parser::parse_boundaries(const YAML::Node& n) {
  if (!expect_list(n, "boundaries", " of boundary conditions (each starting with \"- face: ...\")"))
    return;
  int index = 0;
  for (const auto& item : n) {
    ++index;
    const std::string face = peek_name(item, "face");
    const Context ctx{
        "boundary #" + std::to_string(index) + (face.empty() ? std::string() : " (" + face + ")"),
        "boundaries[" + std::to_string(m_case.boundaries.size()) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    BoundaryCondition bc;
    bc.mark = mark(item);
    m_case.key_marks[ctx.path] = bc.mark;
    std::map<std::string, YAML::Node> values;
    const auto seen =
        walk(item, ctx, {"face", "type", "h", "temperature", "heat_flux", "region"},
             [&](const std::string& k, const YAML::Node& v) { values.emplace(k, v); });
    require(seen, {"face", "type"}, item, ctx);

    bool type_ok = false;
    if (values.count("face")) parse_face(values["face"], ctx, bc.face);
    if (values.count("type")) {
      if (auto t = text(values["type"], "type", ctx)) {
        type_ok = true;
        if (*t == "temperature") {
          bc.type = BoundaryCondition::Type::Temperature;
        } else if (*t == "heat_flux") {
          bc.type = BoundaryCondition::Type::HeatFlux;
        } else if (*t == "convection") {
          bc.type = BoundaryCondition::Type::Convection;
        } else if (*t == "adiabatic") {
          bc.type = BoundaryCondition::Type::Adiabatic;
        } else {
          type_ok = false;
          error(values["type"], ctx.key_desc("type") + ": unknown boundary type " + in_quotes(*t) +
                                    " (one of " + join(kBoundaryTypes) + ")" +
                                    did_you_mean(*t, kBoundaryTypes));
          fail(ctx.key_path("type"));
        }
      }
    }
    if (type_ok) {
      // Which value keys each type needs; any other value key is a mistake worth reporting
      // (a convection h on a temperature boundary would otherwise be silently ignored).
      std::vector<std::string> needed;
      switch (bc.type) {
        case BoundaryCondition::Type::Temperature:
          needed = {"temperature"};
          break;
        case BoundaryCondition::Type::HeatFlux:
          needed = {"heat_flux"};
          break;
        case BoundaryCondition::Type::Convection:
          needed = {"h", "temperature"};
          break;
        case BoundaryCondition::Type::Adiabatic:
          break;
      }
      const std::string type_name = values["type"].Scalar();
      for (const char* k : {"h", "temperature", "heat_flux"}) {
        const bool wanted = std::find(needed.begin(), needed.end(), k) != needed.end();
        if (values.count(k) && !wanted)
          error(values[k],
                ctx.key_desc(k) + ": does not apply to " +
                    (type_name == "adiabatic" ? "an " : "a ") + type_name + " boundary" +
                    (needed.empty() ? std::string() : " (it takes " + join(needed) + ")"));
        if (!values.count(k) && wanted && !seen.count(std::string("?") + k)) {
          error(item,
                ctx.desc + " of type " + type_name + " is missing required key " + in_quotes(k));
          fail(ctx.key_path(k));
        }
      }
    }
    if (values.count("h")) {
      if (auto x = quantity(values["h"], Dimension::HeatTransferCoefficient, "h", ctx))
        bc.htc_W_m2K = *x;
    }
    if (values.count("temperature")) {
      if (auto x = quantity(values["temperature"], Dimension::Temperature, "temperature", ctx))
        bc.temperature_K = *x;
    }
    if (values.count("heat_flux")) {
      if (auto x = quantity(values["heat_flux"], Dimension::HeatFlux, "heat_flux", ctx))
        bc.heat_flux_W_m2 = *x;
    }
    if (values.count("region"))
      parse_region(values["region"], ctx, bc.has_region, bc.region_min_m, bc.region_max_m);
    m_case.boundaries.push_back(bc);
  }
}

void Parser::parse_contacts(const YAML::Node& n) {
  if (!expect_list(n, "contact_resistances",
                   " of contacts (each like \"- between: [silicon, tim]\")"))
    return;
  for (const auto& item : n) {
    const Context ctx{"contact resistance #" + std::to_string(m_case.contacts.size() + 1),
                      "contact_resistances[" + std::to_string(m_case.contacts.size()) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    ContactResistance c;
    c.mark = mark(item);
    m_case.key_marks[ctx.path] = c.mark;
    const auto seen =
        walk(item, ctx, {"between", "resistance"}, [&](const std::string& k, const YAML::Node& v) {
          if (k == "resistance") {
            if (auto x = quantity(v, Dimension::ContactResistance, k, ctx))
              c.resistance_K_m2_W = *x;
            return;
          }
          if (!v.IsSequence() || v.size() != 2) {
            error(v, ctx.key_desc(k) +
                         ": expected a list of two material names like "
                         "[silicon, tim], got " +
                         describe(v));
            fail(ctx.key_path(k));
            return;
          }
          const auto a = text(v[0], k, ctx), b = text(v[1], k, ctx);
          if (a) c.material_a = *a;
          if (b) c.material_b = *b;
        });
    require(seen, {"between", "resistance"}, item, ctx);
    m_case.contacts.push_back(c);
  }
}

void Parser::parse_probes(const YAML::Node& n) {
  if (!expect_list(n, "probes", " of probes (each like \"- {name: die_center, at: [...]}\")"))
    return;
  for (const auto& item : n) {
    const std::size_t index = m_case.probes.size();
    const std::string name = peek_name(item);
    const Context ctx{
        name.empty() ? "probe #" + std::to_string(index + 1) : "probe " + in_quotes(name),
        "probes[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    Probe p;
    p.mark = mark(item);
    m_case.key_marks[ctx.path] = p.mark;
    const auto seen =
        walk(item, ctx, {"name", "at"}, [&](const std::string& k, const YAML::Node& v) {
          if (k == "name") {
            if (auto s = text(v, k, ctx)) p.name = *s;
          } else if (auto x = vec3(v, Dimension::Length, k, ctx)) {
            p.position_m = *x;
          }
        });
    require(seen, {"name", "at"}, item, ctx);
    m_case.probes.push_back(p);
  }
}

void Parser::parse_solver(const YAML::Node& n) {
  const Context ctx{"solver", "solver"};
  walk(n, ctx, {"tolerance", "max_iterations", "multigrid_precision"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "tolerance") {
           if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) m_case.solver.tolerance = *x;
         } else if (k == "multigrid_precision") {
           const auto s = text(v, k, ctx);
           if (!s) return;
           if (*s == "single" || *s == "double")
             m_case.solver.single_precision_multigrid = *s == "single";
           else
             error(v, ctx.key_desc(k) + ": unknown precision " + in_quotes(*s) +
                          " (single or double)" + did_you_mean(*s, {"single", "double"}));
         } else if (auto i = integer(v, k, ctx)) {
           m_case.solver.max_iterations = *i;
         }
       });
}

void Parser::parse_transient(const YAML::Node& n) {
  const Context ctx{"transient", "transient"};
  auto& t = m_case.transient;
  const auto seen =
      walk(n, ctx,
           {"end_time", "time_step", "scheme", "adaptive", "min_step", "max_step", "tolerance",
            "output_interval", "checkpoint_interval"},
           [&](const std::string& k, const YAML::Node& v) {
             double* time = k == "end_time"              ? &t.end_time_s
                            : k == "time_step"           ? &t.time_step_s
                            : k == "min_step"            ? &t.min_step_s
                            : k == "max_step"            ? &t.max_step_s
                            : k == "output_interval"     ? &t.output_interval_s
                            : k == "checkpoint_interval" ? &t.checkpoint_interval_s
                                                         : nullptr;
             if (time) {
               if (auto x = quantity(v, Dimension::Time, k, ctx)) *time = *x;
             } else if (k == "tolerance") {
               if (auto x = quantity(v, Dimension::TemperatureDifference, k, ctx))
                 t.tolerance_K = *x;
             } else if (k == "adaptive") {
               if (auto b = boolean(v, k, ctx)) t.adaptive = *b;
             } else if (k == "scheme") {
               const auto s = text(v, k, ctx);
               if (!s) return;
               if (*s == "bdf2") {
                 t.scheme = TransientSettings::Scheme::BDF2;
               } else if (*s == "euler" || *s == "backward_euler") {
                 t.scheme = TransientSettings::Scheme::BackwardEuler;
               } else {
                 error(v, ctx.key_desc(k) + ": unknown scheme " + in_quotes(*s) +
                              " (bdf2 or euler)" + did_you_mean(*s, {"bdf2", "euler"}));
               }
             }
           });
  require(seen, {"end_time", "time_step"}, n, ctx);
  t.enabled = n.IsMap();
}

}  // namespace kelvin::parse_detail
