// The coolant, cold plate and flow sections, and the coolant's material that follows from them.
#include <algorithm>
#include <cmath>
#include <map>

#include "solver/case/parser.hpp"
#include "solver/physics/coolant.hpp"

namespace kelvin::parse_detail {

void Parser::parse_coolant_section(const YAML::Node& n) {
  const Context ctx{"coolant", "coolant"};
  CoolantCase c;
  const auto km = m_case.key_marks.find("coolant");
  if (km != m_case.key_marks.end()) c.mark = km->second;
  if (n.IsScalar()) {
    if (auto s = text(n, "coolant", Context{"", ""})) {
      c.fluid = *s;
      m_case.coolant = c;
    }
    return;
  }
  if (!n.IsMap()) {
    error(n,
          "\"coolant\" must be a fluid name like PG25 or a mapping like {fluid: PG25, "
          "material: coolant}, got " +
              describe(n));
    fail("coolant");
    return;
  }
  walk(n, ctx, {"fluid", "material", "constant_properties"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "fluid" && v.IsMap()) {
           parse_user_fluid(v, c);
         } else if (k == "fluid") {
           if (auto s = text(v, k, ctx)) c.fluid = *s;
         } else if (k == "material") {
           if (auto s = text(v, k, ctx)) c.material = *s;
         } else if (auto b = boolean(v, k, ctx)) {
           c.constant_properties = *b;
         }
       });
  // A fluid defined by constants has nothing that follows the temperature.
  if (c.user && c.user->temperature_K.empty()) c.constant_properties = true;
  m_case.coolant = c;
}

namespace {

/// The columns of a user-defined fluid: key, dimension, and where the values go.
struct FluidColumn {
  const char* key;
  Dimension dim;
  std::vector<double> UserFluidSpec::*values;
};

constexpr FluidColumn kFluidColumns[] = {
    {"density", Dimension::Density, &UserFluidSpec::density},
    {"specific_heat", Dimension::SpecificHeat, &UserFluidSpec::specific_heat},
    {"conductivity", Dimension::Conductivity, &UserFluidSpec::conductivity},
    {"viscosity", Dimension::DynamicViscosity, &UserFluidSpec::viscosity},
};

const FluidColumn* fluid_column(const std::string& key) {
  for (const auto& col : kFluidColumns)
    if (key == col.key) return &col;
  return nullptr;
}

}  // namespace

void Parser::parse_user_fluid(const YAML::Node& n, CoolantCase& c) {
  const Context ctx{"the coolant's fluid", "coolant.fluid"};
  UserFluidSpec u;
  const auto seen = walk(
      n, ctx,
      {"name", "density", "specific_heat", "conductivity", "viscosity", "valid_range", "table"},
      [&](const std::string& k, const YAML::Node& v) {
        if (k == "name") {
          if (auto t = text(v, k, ctx)) u.name = *t;
        } else if (k == "valid_range") {
          if (auto r = quantities(v, 2, Dimension::Temperature, k, ctx, false))
            u.t_min_K = (*r)[0], u.t_max_K = (*r)[1];
        } else if (k == "table") {
          parse_fluid_table(v, u);
        } else if (auto q = quantity(v, fluid_column(k)->dim, k, ctx)) {
          (u.*(fluid_column(k)->values)).assign(1, *q);
        }
      });
  std::vector<std::string> required = {"name"};
  if (seen.count("table")) {
    for (const char* k : {"density", "specific_heat", "conductivity", "viscosity", "valid_range"})
      if (seen.count(k)) {
        error(n, ctx.key_desc(k) + ": give either constant properties with a valid_range or a "
                                   "table (whose range is its first and last temperature), not both");
        fail(ctx.key_path(k));
      }
  } else {
    required.insert(required.end(),
                    {"density", "specific_heat", "conductivity", "viscosity", "valid_range"});
  }
  require(seen, required, n, ctx);
  c.fluid = u.name;
  c.user = u;
}

void Parser::parse_fluid_table(const YAML::Node& n, UserFluidSpec& u) {
  const Context ctx{"the coolant's fluid table", "coolant.fluid.table"};
  std::map<std::string, YAML::Node> columns;
  const auto seen = walk(
      n, ctx, {"temperature", "density", "specific_heat", "conductivity", "viscosity"},
      [&](const std::string& k, const YAML::Node& v) { columns[k] = v; });
  require(seen, {"temperature", "density", "specific_heat", "conductivity", "viscosity"}, n, ctx);
  if (!columns.count("temperature")) return;
  const auto T = quantities(columns["temperature"], 0, Dimension::Temperature, "temperature", ctx,
                            false);
  if (!T) return;
  u.temperature_K = *T;
  for (const auto& [key, node] : columns) {
    const FluidColumn* col = fluid_column(key);
    if (!col) continue;
    if (auto v = quantities(node, T->size(), col->dim, key, ctx, false)) u.*(col->values) = *v;
  }
}

void Parser::parse_coldplate(const YAML::Node& n) {
  const Context ctx{"coldplate", "coldplate"};
  ColdPlateCase cp;
  const auto km = m_case.key_marks.find("coldplate");
  if (km != m_case.key_marks.end()) cp.mark = km->second;
  ColdPlateSpec& s = cp.spec;
  const auto length = [&](const YAML::Node& v, const std::string& k, const Context& c,
                          double& dst) {
    if (auto x = quantity(v, Dimension::Length, k, c)) dst = *x;
  };
  const auto pair = [&](const YAML::Node& v, const std::string& k, const Context& c,
                        std::array<double, 2>& dst) {
    if (auto x = quantities(v, 2, Dimension::Length, k, c, false)) dst = {(*x)[0], (*x)[1]};
  };
  const auto seen =
      walk(n, ctx,
           {"material", "footprint", "base", "base_thickness", "fins", "center", "wall_thickness",
            "plenum_length", "cover_thickness", "ports", "mesh", "flow_rate", "inlet_temperature",
            "outlet_pressure"},
           [&](const std::string& k, const YAML::Node& v) {
             if (k == "material") {
               if (auto t = text(v, k, ctx)) cp.material = *t;
             } else if (k == "footprint") {
               const Context fctx{"the footprint of the coldplate", "coldplate.footprint"};
               const auto fseen =
                   walk(v, fctx, {"min", "max"}, [&](const std::string& k2, const YAML::Node& v2) {
                     pair(v2, k2, fctx, k2 == "min" ? s.footprint_min_m : s.footprint_max_m);
                   });
               require(fseen, {"min", "max"}, v, fctx);
             } else if (k == "base") {
               length(v, k, ctx, s.base_z_m);
             } else if (k == "base_thickness") {
               length(v, k, ctx, s.base_thickness_m);
             } else if (k == "fins") {
               parse_coldplate_fins(v, ctx, s);
             } else if (k == "center") {
               pair(v, k, ctx, s.center_m);
             } else if (k == "wall_thickness") {
               length(v, k, ctx, s.wall_thickness_m);
             } else if (k == "plenum_length") {
               length(v, k, ctx, s.plenum_length_m);
             } else if (k == "cover_thickness") {
               length(v, k, ctx, s.cover_thickness_m);
             } else if (k == "ports") {
               const Context pctx{"the ports of the coldplate", "coldplate.ports"};
               walk(v, pctx, {"layout", "length", "width"},
                    [&](const std::string& k2, const YAML::Node& v2) {
                      if (k2 == "length") {
                        length(v2, k2, pctx, s.port_length_m);
                      } else if (k2 == "width") {
                        length(v2, k2, pctx, s.port_width_m);
                      } else if (auto t = text(v2, k2, pctx)) {
                        if (*t == "end_to_end") {
                          s.flow = ColdPlateSpec::Flow::EndToEnd;
                        } else if (*t == "center_inlet") {
                          s.flow = ColdPlateSpec::Flow::CenterInlet;
                        } else {
                          error(v2, pctx.key_desc(k2) + ": unknown port layout " + in_quotes(*t) +
                                        " (end_to_end or center_inlet)" +
                                        did_you_mean(*t, {"end_to_end", "center_inlet"}));
                          fail(pctx.key_path(k2));
                        }
                      }
                    });
             } else if (k == "mesh") {
               const Context mctx{"the mesh of the coldplate", "coldplate.mesh"};
               walk(v, mctx,
                    {"cells_across_channel", "cells_across_fin", "cells_over_fin_height",
                     "max_cell_along_flow"},
                    [&](const std::string& k2, const YAML::Node& v2) {
                      if (k2 == "max_cell_along_flow") {
                        length(v2, k2, mctx, s.max_cell_along_flow_m);
                      } else if (auto i = integer(v2, k2, mctx)) {
                        (k2 == "cells_across_channel" ? s.cells_across_channel
                         : k2 == "cells_across_fin"   ? s.cells_across_fin
                                                      : s.cells_over_fin_height) = *i;
                      }
                    });
             } else if (k == "flow_rate") {
               if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) cp.flow_rate_m3_s = *x;
             } else if (k == "inlet_temperature") {
               if (auto x = quantity(v, Dimension::Temperature, k, ctx))
                 cp.inlet_temperature_K = *x;
             } else if (k == "outlet_pressure") {
               if (auto x = quantity(v, Dimension::Pressure, k, ctx)) cp.outlet_pressure_Pa = *x;
             }
           });
  require(seen, {"footprint", "base", "fins", "flow_rate", "inlet_temperature"}, n, ctx);
  if (n.IsMap()) m_case.coldplate = cp;
}

void Parser::parse_coldplate_fins(const YAML::Node& n, const Context& cp_ctx, ColdPlateSpec& s) {
  const Context ctx{"the fins of the " + cp_ctx.desc, cp_ctx.path + ".fins"};
  std::map<std::string, YAML::Node> values;
  const auto seen =
      walk(n, ctx, {"type", "thickness", "pitch", "height", "length", "region_width", "size"},
           [&](const std::string& k, const YAML::Node& v) { values.emplace(k, v); });
  require(seen, {"type"}, n, ctx);
  const auto length = [&](const char* k, double& dst) {
    if (!values.count(k)) return;
    if (auto x = quantity(values[k], Dimension::Length, k, ctx)) dst = *x;
  };
  length("height", s.fin_height_m);
  length("length", s.fin_length_m);
  length("region_width", s.fin_region_width_m);

  bool type_ok = false;
  if (values.count("type")) {
    if (auto t = text(values["type"], "type", ctx)) {
      type_ok = true;
      if (*t == "straight") {
        s.fins = ColdPlateSpec::Fins::Straight;
      } else if (*t == "pins") {
        s.fins = ColdPlateSpec::Fins::Pins;
      } else {
        type_ok = false;
        error(values["type"], ctx.key_desc("type") + ": unknown fin type " + in_quotes(*t) +
                                  " (straight or pins)" + did_you_mean(*t, {"straight", "pins"}));
        fail(ctx.key_path("type"));
      }
    }
  }
  if (!type_ok) {
    // What thickness, size and pitch mean depends on the type; nothing more to read.
    for (const char* k : {"thickness", "size", "pitch"})
      if (values.count(k)) fail(ctx.key_path(k));
    return;
  }
  const bool pins = s.fins == ColdPlateSpec::Fins::Pins;
  const char* other = pins ? "thickness" : "size";
  if (values.count(other)) {
    error(values[other], ctx.key_desc(other) + ": does not apply to " +
                             (pins ? "pins (they take size and pitch)"
                                   : "straight fins (they take thickness and pitch)"));
    fail(ctx.key_path(other));
  }
  if (pins) {
    length("size", s.pin_size_m);
    if (values.count("pitch")) {
      // [along x, along y]; one value for both.
      if (auto x = quantities(values["pitch"], 2, Dimension::Length, "pitch", ctx, true)) {
        s.pin_pitch_x_m = (*x)[0];
        s.pin_pitch_y_m = (*x)[1];
      }
    }
  } else {
    length("thickness", s.fin_thickness_m);
    length("pitch", s.fin_pitch_m);
  }
}

void Parser::parse_flow(const YAML::Node& n) {
  const Context ctx{"flow", "flow"};
  FlowCaseSettings& f = m_case.flow;
  std::optional<YAML::Node> inlets, outlets;
  walk(n, ctx,
       {"inlets", "outlets", "algorithm", "relaxation", "tolerance", "max_iterations", "max_coupling_iterations",
        "temperature_tolerance"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "inlets") {
           inlets.emplace(v);
         } else if (k == "outlets") {
           outlets.emplace(v);
         } else if (k == "algorithm") {
           parse_flow_algorithm(v, ctx, f);
         } else if (k == "relaxation") {
           if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) f.velocity_relaxation = *x;
         } else if (k == "tolerance") {
           if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) f.tolerance = *x;
         } else if (k == "temperature_tolerance") {
           if (auto x = quantity(v, Dimension::TemperatureDifference, k, ctx))
             f.temperature_tolerance_K = *x;
         } else if (auto i = integer(v, k, ctx)) {
           (k == "max_iterations" ? f.max_iterations : f.max_coupling_iterations) = *i;
         }
       });
  // Inlets first, then outlets, whatever the file order: Case::ports keeps that order.
  if (inlets) parse_ports(*inlets, FlowPort::Kind::Inlet);
  if (outlets) parse_ports(*outlets, FlowPort::Kind::Outlet);
}

void Parser::parse_flow_algorithm(const YAML::Node& v, const Context& ctx, FlowCaseSettings& f) {
  static const std::vector<std::string> kAlgorithms = {"simplec", "coupled"};
  const auto a = text(v, "algorithm", ctx);
  if (!a) return;
  if (*a == kAlgorithms[0] || *a == kAlgorithms[1]) {
    f.coupled = *a == kAlgorithms[1];
    return;
  }
  error(v, ctx.key_desc("algorithm") + ": unknown algorithm " + in_quotes(*a) + " (one of " +
               join(kAlgorithms) + ")" + did_you_mean(*a, kAlgorithms));
  fail(ctx.key_path("algorithm"));
}

void Parser::parse_ports(const YAML::Node& n, FlowPort::Kind kind) {
  const bool inlet = kind == FlowPort::Kind::Inlet;
  const std::string noun = inlet ? "inlet" : "outlet";
  const std::string list = "flow." + noun + "s";
  if (!expect_list(n, list,
                   inlet ? " of inlets (each like \"- {name: in, face: zmax, flow_rate: 1 L/min, "
                           "temperature: 40 degC}\")"
                         : " of outlets (each like \"- {name: out, face: zmax, pressure: 0 Pa}\")"))
    return;
  std::size_t index = 0;  // among the ports of this kind
  for (const auto& item : n) {
    const std::string name = peek_name(item);
    const Context ctx{
        name.empty() ? noun + " #" + std::to_string(index + 1) : noun + " " + in_quotes(name),
        list + "[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      // A port is missing: check_case() must not also call the list empty. "[?]" is no real
      // port's path, so the ports that were read are still checked.
      fail(list + "[?]");
      continue;
    }
    FlowPort p;
    p.kind = kind;
    p.name = noun + "_" + std::to_string(index + 1);
    p.mark = mark(item);
    m_case.key_marks[ctx.path] = p.mark;
    const std::vector<std::string> keys =
        inlet ? std::vector<std::string>{"name", "face", "region", "flow_rate", "temperature"}
              : std::vector<std::string>{"name", "face", "region", "pressure"};
    const auto seen = walk(item, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
      if (k == "name") {
        if (auto t = text(v, k, ctx)) p.name = *t;
      } else if (k == "face") {
        parse_face(v, ctx, p.face);
      } else if (k == "region") {
        parse_region(v, ctx, p.has_region, p.region_min_m, p.region_max_m);
      } else if (k == "flow_rate") {
        if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) p.flow_rate_m3_s = *x;
      } else if (k == "temperature") {
        if (auto x = quantity(v, Dimension::Temperature, k, ctx)) p.temperature_K = *x;
      } else if (k == "pressure") {
        if (auto x = quantity(v, Dimension::Pressure, k, ctx)) p.pressure_Pa = *x;
      }
    });
    require(seen,
            inlet ? std::vector<std::string>{"face", "flow_rate", "temperature"}
                  : std::vector<std::string>{"face"},
            item, ctx);
    m_case.ports.push_back(p);
    ++index;
  }
}

void Parser::add_coolant_material() {
  if (!m_case.coolant) return;
  const CoolantCase& cc = *m_case.coolant;
  const int existing = m_case.material_index(cc.material);
  if (existing >= 0) {
    const Material& m = m_case.materials[static_cast<std::size_t>(existing)];
    m_diags.push_back(
        {m_file, m.mark.line, m.mark.column,
         "material " + in_quotes(cc.material) +
             " is the coolant's material, whose properties "
             "come from the coolant (" +
             in_quotes(cc.fluid) +
             "): remove it from \"materials\", or "
             "give the coolant's cells another name with coolant: {fluid: ..., material: NAME}"});
    fail("materials[" + std::to_string(existing) + "]");
    return;
  }
  Material m;
  m.name = cc.material;
  m.mark = cc.mark;
  const std::string path = "materials[" + std::to_string(m_case.materials.size()) + "]";
  m_case.key_marks[path] = cc.mark;
  // The energy equation's coolant properties are taken at the inlet temperature.
  double T = m_case.initial_temperature_K;
  const auto inlet = std::find_if(m_case.ports.begin(), m_case.ports.end(), [](const FlowPort& p) {
    return p.kind == FlowPort::Kind::Inlet;
  });
  if (inlet != m_case.ports.end())
    T = inlet->temperature_K;
  else if (m_case.coldplate)
    T = m_case.coldplate->inlet_temperature_K;
  try {
    const CoolantProperties props = coolant_properties(cc);
    // An out-of-range temperature is check_case()'s to report; clamped, the material stays
    // physical meanwhile.
    const double t = std::isfinite(T) ? std::clamp(T, props.t_min_K, props.t_max_K) : props.t_min_K;
    const double k = props.conductivity(t);
    m.conductivity_W_mK = {k, k, k};
    m.density_kg_m3 = props.density(t);
    m.specific_heat_J_kgK = props.specific_heat(t);
  } catch (const CoolantError&) {
    fail(path);  // check_case() reports the coolant itself
  }
  m_case.materials.push_back(m);
}

}  // namespace kelvin::parse_detail
