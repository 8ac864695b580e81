// resolved_case_yaml(): the case as YAML in SI units, one emitter per top-level key. The order
// and text must not change: a checkpoint stores this text and resuming compares it. Numbers are
// written exactly (shortest round-trip text), so parse_case() of the output gives the same
// Case back.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "solver/case/case_parser.hpp"
#include "solver/case/parser.hpp"

namespace kelvin {
namespace {

using parse_detail::gpu_fields;

/// Shortest text that reads back as exactly v.
std::string exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void emit_vec(YAML::Emitter& out, const double* v, int n) {
  out << YAML::Flow << YAML::BeginSeq;
  for (int i = 0; i < n; ++i) out << exact(v[i]);
  out << YAML::EndSeq;
}
void emit_vec(YAML::Emitter& out, const std::array<double, 3>& v) { emit_vec(out, v.data(), 3); }
void emit_str(YAML::Emitter& out, const std::string& key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
}
void emit_num(YAML::Emitter& out, const std::string& key, double value) {
  out << YAML::Key << key << YAML::Value << exact(value);
}

/// key: {min: [a, b], max: [a, b]}, a rectangle on a face or the cold plate's footprint.
void emit_rect(YAML::Emitter& out, const char* key, const std::array<double, 2>& lo,
               const std::array<double, 2>& hi) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "min" << YAML::Value;
  emit_vec(out, lo.data(), 2);
  out << YAML::Key << "max" << YAML::Value;
  emit_vec(out, hi.data(), 2);
  out << YAML::EndMap;
}

/// name, description and initial_temperature.
void emit_title(YAML::Emitter& out, const Case& c) {
  emit_str(out, "name", c.name);
  if (!c.description.empty()) emit_str(out, "description", c.description);
  emit_num(out, "initial_temperature", c.initial_temperature_K);
}

void emit_mesh(YAML::Emitter& out, const Case& c) {
  out << YAML::Key << "mesh" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "max_cell_size" << YAML::Value;
  emit_vec(out, c.mesh.max_cell_size_m);
  out << YAML::EndMap;
}

void emit_domain(YAML::Emitter& out, const Case& c) {
  if (!c.domain) return;
  out << YAML::Key << "domain" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "min" << YAML::Value;
  emit_vec(out, c.domain->min_m);
  out << YAML::Key << "max" << YAML::Value;
  emit_vec(out, c.domain->max_m);
  if (!c.domain->background_material.empty())
    emit_str(out, "background", c.domain->background_material);
  out << YAML::EndMap;
}

void emit_materials(YAML::Emitter& out, const Case& c) {
  out << YAML::Key << "materials" << YAML::Value << YAML::BeginMap;
  for (const auto& m : c.materials) {
    // The coolant's material is derived from the coolant when the case is read again.
    if (c.coolant && m.name == c.coolant->material) continue;
    out << YAML::Key << YAML::DoubleQuoted << m.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "conductivity" << YAML::Value;
    emit_vec(out, m.conductivity_W_mK);
    emit_num(out, "density", m.density_kg_m3);
    emit_num(out, "specific_heat", m.specific_heat_J_kgK);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_boxes(YAML::Emitter& out, const Case& c) {
  out << YAML::Key << "boxes" << YAML::Value << YAML::BeginSeq;
  for (const auto& b : c.boxes) {
    out << YAML::BeginMap;
    emit_str(out, "name", b.name);
    emit_str(out, "material", b.material);
    out << YAML::Key << "min" << YAML::Value;
    emit_vec(out, b.min_m);
    out << YAML::Key << "max" << YAML::Value;
    emit_vec(out, b.max_m);
    if (b.cell_size_m != std::array<double, 3>{0, 0, 0}) {
      out << YAML::Key << "cell_size" << YAML::Value;
      emit_vec(out, b.cell_size_m);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

/// power_map: {values: rows}; a file's map is written as its values.
void emit_power_map(YAML::Emitter& out, const PowerMap& pm) {
  out << YAML::Key << "power_map" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "values" << YAML::Value << YAML::BeginSeq;
  const std::size_t cols = pm.cols > 0 ? static_cast<std::size_t>(pm.cols) : 1;
  for (std::size_t r = 0; r * cols < pm.values.size(); ++r)
    emit_vec(out, pm.values.data() + r * cols,
             static_cast<int>(std::min(cols, pm.values.size() - r * cols)));
  out << YAML::EndSeq << YAML::EndMap;
}

/// Sources with their box expanded to min and max.
void emit_sources(YAML::Emitter& out, const Case& c) {
  if (c.sources.empty()) return;
  out << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : c.sources) {
    out << YAML::BeginMap;
    emit_str(out, "name", s.name);
    out << YAML::Key << "min" << YAML::Value;
    emit_vec(out, s.min_m);
    out << YAML::Key << "max" << YAML::Value;
    emit_vec(out, s.max_m);
    emit_num(out, s.kind == HeatSource::Kind::TotalPower ? "power" : "power_density", s.value);
    if (s.power_map) emit_power_map(out, *s.power_map);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

/// One boundary condition: face, type and the values that type takes.
void emit_boundary(YAML::Emitter& out, const BoundaryCondition& bc) {
  out << YAML::BeginMap;
  emit_str(out, "face", face_name(bc.face));
  using Type = BoundaryCondition::Type;
  switch (bc.type) {
    case Type::Temperature:
      emit_str(out, "type", "temperature");
      emit_num(out, "temperature", bc.temperature_K);
      break;
    case Type::HeatFlux:
      emit_str(out, "type", "heat_flux");
      emit_num(out, "heat_flux", bc.heat_flux_W_m2);
      break;
    case Type::Convection:
      emit_str(out, "type", "convection");
      emit_num(out, "h", bc.htc_W_m2K);
      emit_num(out, "temperature", bc.temperature_K);
      break;
    case Type::Adiabatic:
      emit_str(out, "type", "adiabatic");
      break;
  }
  if (bc.has_region) emit_rect(out, "region", bc.region_min_m, bc.region_max_m);
  out << YAML::EndMap;
}

void emit_boundaries(YAML::Emitter& out, const Case& c) {
  if (c.boundaries.empty()) return;
  out << YAML::Key << "boundaries" << YAML::Value << YAML::BeginSeq;
  for (const auto& bc : c.boundaries) emit_boundary(out, bc);
  out << YAML::EndSeq;
}

void emit_contacts(YAML::Emitter& out, const Case& c) {
  if (c.contacts.empty()) return;
  out << YAML::Key << "contact_resistances" << YAML::Value << YAML::BeginSeq;
  for (const auto& ct : c.contacts) {
    out << YAML::BeginMap << YAML::Key << "between" << YAML::Value << YAML::Flow << YAML::BeginSeq
        << YAML::DoubleQuoted << ct.material_a << YAML::DoubleQuoted << ct.material_b
        << YAML::EndSeq;
    emit_num(out, "resistance", ct.resistance_K_m2_W);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_probes(YAML::Emitter& out, const Case& c) {
  if (c.probes.empty()) return;
  out << YAML::Key << "probes" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : c.probes) {
    out << YAML::BeginMap;
    emit_str(out, "name", p.name);
    out << YAML::Key << "at" << YAML::Value;
    emit_vec(out, p.position_m);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_solver(YAML::Emitter& out, const Case& c) {
  out << YAML::Key << "solver" << YAML::Value << YAML::BeginMap;
  emit_num(out, "tolerance", c.solver.tolerance);
  out << YAML::Key << "max_iterations" << YAML::Value << c.solver.max_iterations;
  if (!c.solver.single_precision_multigrid)  // the default (single) is not written
    out << YAML::Key << "multigrid_precision" << YAML::Value << "double";
  out << YAML::EndMap;
}

void emit_transient(YAML::Emitter& out, const Case& c) {
  if (!c.transient.enabled) return;
  const TransientSettings& t = c.transient;
  out << YAML::Key << "transient" << YAML::Value << YAML::BeginMap;
  emit_num(out, "end_time", t.end_time_s);
  emit_num(out, "time_step", t.time_step_s);
  emit_str(out, "scheme", t.scheme == TransientSettings::Scheme::BDF2 ? "bdf2" : "euler");
  out << YAML::Key << "adaptive" << YAML::Value << t.adaptive;
  emit_num(out, "min_step", t.min_step_s);
  emit_num(out, "max_step", t.max_step_s);
  emit_num(out, "tolerance", t.tolerance_K);
  emit_num(out, "output_interval", t.output_interval_s);
  emit_num(out, "checkpoint_interval", t.checkpoint_interval_s);
  out << YAML::EndMap;
}

/// A user-defined fluid: SI numbers, a table's columns as lists.
void emit_user_fluid(YAML::Emitter& out, const UserFluidSpec& u) {
  out << YAML::Key << "fluid" << YAML::Value << YAML::BeginMap;
  emit_str(out, "name", u.name);
  const std::pair<const char*, const std::vector<double>*> columns[] = {
      {"density", &u.density},
      {"specific_heat", &u.specific_heat},
      {"conductivity", &u.conductivity},
      {"viscosity", &u.viscosity}};
  if (u.temperature_K.empty()) {
    for (const auto& [key, values] : columns) emit_num(out, key, values->empty() ? 0.0 : values->front());
    const double range[2] = {u.t_min_K, u.t_max_K};
    out << YAML::Key << "valid_range" << YAML::Value;
    emit_vec(out, range, 2);
  } else {
    out << YAML::Key << "table" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "temperature" << YAML::Value;
    emit_vec(out, u.temperature_K.data(), static_cast<int>(u.temperature_K.size()));
    for (const auto& [key, values] : columns) {
      out << YAML::Key << key << YAML::Value;
      emit_vec(out, values->data(), static_cast<int>(values->size()));
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_coolant(YAML::Emitter& out, const Case& c) {
  if (!c.coolant) return;
  out << YAML::Key << "coolant" << YAML::Value << YAML::BeginMap;
  if (c.coolant->user) {
    emit_user_fluid(out, *c.coolant->user);
  } else {
    emit_str(out, "fluid", c.coolant->fluid);
  }
  emit_str(out, "material", c.coolant->material);
  out << YAML::Key << "constant_properties" << YAML::Value << c.coolant->constant_properties;
  out << YAML::EndMap;
}

/// The cold plate's fins: {type, size and pitch or thickness and pitch, height, ...}.
void emit_fins(YAML::Emitter& out, const ColdPlateSpec& s) {
  const bool pins = s.fins == ColdPlateSpec::Fins::Pins;
  out << YAML::Key << "fins" << YAML::Value << YAML::Flow << YAML::BeginMap;
  emit_str(out, "type", pins ? "pins" : "straight");
  if (pins) {
    emit_num(out, "size", s.pin_size_m);
    const double pitch[2] = {s.pin_pitch_x_m, s.pin_pitch_y_m};
    out << YAML::Key << "pitch" << YAML::Value;
    emit_vec(out, pitch, 2);
  } else {
    emit_num(out, "thickness", s.fin_thickness_m);
    emit_num(out, "pitch", s.fin_pitch_m);
  }
  emit_num(out, "height", s.fin_height_m);
  emit_num(out, "length", s.fin_length_m);
  emit_num(out, "region_width", s.fin_region_width_m);
  out << YAML::EndMap;
}

/// The cold plate's ports and mesh mappings.
void emit_coldplate_ports_mesh(YAML::Emitter& out, const ColdPlateSpec& s) {
  out << YAML::Key << "ports" << YAML::Value << YAML::Flow << YAML::BeginMap;
  emit_str(out, "layout",
           s.flow == ColdPlateSpec::Flow::CenterInlet ? "center_inlet" : "end_to_end");
  emit_num(out, "length", s.port_length_m);
  emit_num(out, "width", s.port_width_m);
  out << YAML::EndMap;
  out << YAML::Key << "mesh" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "cells_across_channel" << YAML::Value << s.cells_across_channel;
  out << YAML::Key << "cells_across_fin" << YAML::Value << s.cells_across_fin;
  out << YAML::Key << "cells_over_fin_height" << YAML::Value << s.cells_over_fin_height;
  emit_num(out, "max_cell_along_flow", s.max_cell_along_flow_m);
  out << YAML::EndMap;
}

void emit_coldplate(YAML::Emitter& out, const Case& c) {
  if (!c.coldplate) return;
  const ColdPlateCase& cp = *c.coldplate;
  const ColdPlateSpec& s = cp.spec;
  out << YAML::Key << "coldplate" << YAML::Value << YAML::BeginMap;
  emit_str(out, "material", cp.material);
  emit_rect(out, "footprint", s.footprint_min_m, s.footprint_max_m);
  emit_num(out, "base", s.base_z_m);
  emit_num(out, "base_thickness", s.base_thickness_m);
  emit_fins(out, s);
  // NaN (the footprint's centre) cannot be written; leaving the key out means the same.
  if (!std::isnan(s.center_m[0]) || !std::isnan(s.center_m[1])) {
    out << YAML::Key << "center" << YAML::Value;
    emit_vec(out, s.center_m.data(), 2);
  }
  emit_num(out, "wall_thickness", s.wall_thickness_m);
  emit_num(out, "plenum_length", s.plenum_length_m);
  emit_num(out, "cover_thickness", s.cover_thickness_m);
  emit_coldplate_ports_mesh(out, s);
  emit_num(out, "flow_rate", cp.flow_rate_m3_s);
  emit_num(out, "inlet_temperature", cp.inlet_temperature_K);
  emit_num(out, "outlet_pressure", cp.outlet_pressure_Pa);
  out << YAML::EndMap;
}

/// The inlets or the outlets of the flow section; nothing when there are none.
void emit_ports(YAML::Emitter& out, const Case& c, FlowPort::Kind kind) {
  const bool inlet = kind == FlowPort::Kind::Inlet;
  if (std::none_of(c.ports.begin(), c.ports.end(),
                   [&](const FlowPort& p) { return p.kind == kind; }))
    return;
  out << YAML::Key << (inlet ? "inlets" : "outlets") << YAML::Value << YAML::BeginSeq;
  for (const auto& p : c.ports) {
    if (p.kind != kind) continue;
    out << YAML::BeginMap;
    emit_str(out, "name", p.name);
    emit_str(out, "face", face_name(p.face));
    if (p.has_region) emit_rect(out, "region", p.region_min_m, p.region_max_m);
    if (inlet) {
      emit_num(out, "flow_rate", p.flow_rate_m3_s);
      emit_num(out, "temperature", p.temperature_K);
    } else {
      emit_num(out, "pressure", p.pressure_Pa);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

/// Whether f holds FlowCaseSettings' defaults (then a case without flow needs no section).
bool default_flow_settings(const FlowCaseSettings& f) {
  const FlowCaseSettings defaults;
  return f.velocity_relaxation == defaults.velocity_relaxation &&
         f.tolerance == defaults.tolerance && f.max_iterations == defaults.max_iterations &&
         f.max_coupling_iterations == defaults.max_coupling_iterations &&
         f.temperature_tolerance_K == defaults.temperature_tolerance_K;
}

void emit_flow(YAML::Emitter& out, const Case& c) {
  const FlowCaseSettings& f = c.flow;
  if (!c.coolant && c.ports.empty() && default_flow_settings(f)) return;
  out << YAML::Key << "flow" << YAML::Value << YAML::BeginMap;
  emit_ports(out, c, FlowPort::Kind::Inlet);
  emit_ports(out, c, FlowPort::Kind::Outlet);
  emit_num(out, "relaxation", f.velocity_relaxation);
  emit_num(out, "tolerance", f.tolerance);
  out << YAML::Key << "max_iterations" << YAML::Value << f.max_iterations;
  out << YAML::Key << "max_coupling_iterations" << YAML::Value << f.max_coupling_iterations;
  emit_num(out, "temperature_tolerance", f.temperature_tolerance_K);
  out << YAML::EndMap;
}

/// The GPU model in use, every field written out (a catalogue model too).
void emit_gpu_models(YAML::Emitter& out, const Case& c) {
  const GpuModel* m = c.gpu_model();
  if (!m) return;
  out << YAML::Key << "gpu_models" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << m->name << YAML::Value << YAML::BeginMap;
  for (const auto& f : gpu_fields()) emit_num(out, f.key, m->*f.member * f.si_per_unit);
  out << YAML::EndMap << YAML::EndMap;
}

void emit_gpus(YAML::Emitter& out, const Case& c) {
  if (!c.gpus) return;
  const GpuCase& g = *c.gpus;
  out << YAML::Key << "gpus" << YAML::Value << YAML::BeginMap;
  emit_str(out, "model", g.model);
  if (!g.die_source.empty()) emit_str(out, "die_source", g.die_source);
  // The default "hbm" names no material in cases without HBM stacks: "" says the same.
  emit_str(out, "hbm_material", c.material_index(g.hbm_material) >= 0 ? g.hbm_material : "");
  emit_num(out, "control_interval", g.control_interval_s);
  out << YAML::Key << "instances" << YAML::Value << YAML::BeginSeq;
  for (const auto& gi : g.instances) {
    out << YAML::Flow << YAML::BeginMap;
    emit_str(out, "name", gi.name);
    if (gi.power_limit_W != 0) emit_num(out, "power_limit", gi.power_limit_W);
    if (gi.inlet_temperature_K != 0) emit_num(out, "inlet_temperature", gi.inlet_temperature_K);
    if (gi.flow_rate_m3_s != 0) emit_num(out, "flow_rate", gi.flow_rate_m3_s);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
}

/// The workload, written only with gpus (nothing else reads it), with the keys its type reads
/// (any other is an error).
void emit_workload(YAML::Emitter& out, const Case& c) {
  if (!c.gpus) return;
  const WorkloadCase& w = c.workload;
  const std::vector<std::string>& takes = parse_detail::workload_keys(w.type);
  const auto applies = [&](const char* key) {
    return std::find(takes.begin(), takes.end(), key) != takes.end();
  };
  out << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
  emit_str(out, "type", w.type);
  for (const auto& [key, v] : std::vector<std::pair<const char*, double>>{
           {"activity", w.activity},
           {"memory_bound_fraction", w.memory_bound_fraction},
           {"tokens_per_s", w.tokens_per_s},
           {"iteration_time", w.iteration_time_s},
           {"compute_fraction", w.compute_fraction},
           {"compute_activity", w.compute_activity},
           {"communication_activity", w.communication_activity},
           {"checkpoint_duration", w.checkpoint_duration_s},
           {"prefill_fraction", w.prefill_fraction},
           {"cycle_time", w.cycle_time_s},
           {"prefill_activity", w.prefill_activity},
           {"decode_activity", w.decode_activity},
           {"prefill_tokens_per_s", w.prefill_tokens_per_s},
           {"decode_tokens_per_s", w.decode_tokens_per_s}})
    if (applies(key)) emit_num(out, key, v);
  if (applies("checkpoint_every"))
    out << YAML::Key << "checkpoint_every" << YAML::Value << w.checkpoint_every;
  if (applies("file") && !w.trace_file.empty())
    emit_str(out, "file", std::filesystem::absolute(w.trace_file).string());
  out << YAML::EndMap;
}

/// One loop_fields() value: SI numbers, kv with its unit (m^3/h is not SI, and a unit keeps
/// the round trip exact), heat_loss in W/K (a bare number reads as W/K).
void emit_loop_field(YAML::Emitter& out, const parse_detail::LoopField& f, const LoopCase& l) {
  using Kind = parse_detail::LoopField::Kind;
  switch (f.kind) {
    case Kind::Quantity:
    case Kind::Conductance:
      emit_num(out, f.key, l.*f.number);
      break;
    case Kind::Kv:
      out << YAML::Key << f.key << YAML::Value << exact(l.*f.number) + " m^3/h";
      break;
    case Kind::Integer:
      out << YAML::Key << f.key << YAML::Value << l.*f.integer;
      break;
    case Kind::Choice:
      emit_str(out, f.key, l.*f.choice);
      break;
  }
}

/// The loop: its own keys, then each of its mappings, then the events with the keys their
/// type reads.
void emit_loop(YAML::Emitter& out, const Case& c) {
  if (!c.loop) return;
  const LoopCase& l = *c.loop;
  const auto& fields = parse_detail::loop_fields();
  out << YAML::Key << "loop" << YAML::Value << YAML::BeginMap;
  for (const auto& f : fields)
    if (!*f.section) emit_loop_field(out, f, l);
  for (const auto& section : parse_detail::loop_sections()) {
    out << YAML::Key << section << YAML::Value << YAML::Flow << YAML::BeginMap;
    if (section == "reduced_model") {
      out << YAML::Key << "flows" << YAML::Value;
      emit_vec(out, l.fit_flows.data(), static_cast<int>(l.fit_flows.size()));
    }
    for (const auto& f : fields)
      // a zero dp_setpoint is "derived": left out, as it was absent
      if (section == f.section && !(f.number == &LoopCase::dp_setpoint_Pa && l.dp_setpoint_Pa == 0))
        emit_loop_field(out, f, l);
    out << YAML::EndMap;
  }
  if (!l.events.empty()) {
    out << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : l.events) {
      out << YAML::Flow << YAML::BeginMap;
      emit_str(out, "type", e.type);
      emit_num(out, "time", e.time_s);
      for (const auto& key : parse_detail::loop_event_keys(e.type)) {
        if (key == "opening")
          emit_num(out, key, e.opening);
        else
          out << YAML::Key << key << YAML::Value << (key == "pump" ? e.pump : e.tray);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

/// The facility: weather (absolute), heat rejection, its own numbers, then each of its mappings,
/// then an air-cooled hall's hall and air_cooling; a zero that means "the model's default" is
/// left out, as it was absent (a given 0 is an error).
void emit_facility(YAML::Emitter& out, const Case& c) {
  if (!c.facility) return;
  const FacilityCase& f = *c.facility;
  using Kind = parse_detail::FacilityField::Kind;
  const auto emit_field = [&](const parse_detail::FacilityField& field) {
    const double value = field.kind == Kind::Integer ? f.*field.integer : f.*field.number;
    if (field.zero_is_default && value == 0) return;
    if (field.kind == Kind::Integer)
      out << YAML::Key << field.key << YAML::Value << f.*field.integer;
    else
      emit_num(out, field.key, f.*field.number);  // SI; a bare mass flow reads as kg/s
  };
  // A mapping's fields, each mapping under it written by its last name ("crah").
  const auto emit_sections = [&](const std::vector<parse_detail::FacilityField>& fields,
                                 const std::string& own, const std::vector<std::string>& sections) {
    for (const auto& field : fields)
      if (own == field.section) emit_field(field);
    for (const auto& section : sections) {
      const std::string key = own.empty() ? section : section.substr(own.size() + 1);
      out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto& field : fields)
        if (section == field.section) emit_field(field);
      out << YAML::EndMap;
    }
  };
  out << YAML::Key << "facility" << YAML::Value << YAML::BeginMap;
  if (!f.weather_file.empty())
    emit_str(out, "weather", std::filesystem::absolute(f.weather_file).lexically_normal().string());
  emit_str(out, "heat_rejection", f.heat_rejection);
  emit_sections(parse_detail::facility_fields(), "", parse_detail::facility_sections());
  // A liquid hall (the default) is written as it was before halls: no hall, no air_cooling.
  if (f.hall != "liquid") {
    emit_str(out, "hall", f.hall);
    out << YAML::Key << "air_cooling" << YAML::Value << YAML::BeginMap;
    emit_sections(parse_detail::air_cooling_fields(), "air_cooling",
                  parse_detail::air_cooling_sections());
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

/// junction_material and case_material, when given.
void emit_package_materials(YAML::Emitter& out, const Case& c) {
  if (!c.junction_material.empty()) emit_str(out, "junction_material", c.junction_material);
  if (!c.case_material.empty()) emit_str(out, "case_material", c.case_material);
}

}  // namespace

std::string resolved_case_yaml(const Case& c) {
  using Emit = void (*)(YAML::Emitter&, const Case&);
  static constexpr Emit emitters[] = {emit_title,      emit_mesh,      emit_domain,
                                      emit_materials,  emit_boxes,     emit_sources,
                                      emit_boundaries, emit_contacts,  emit_probes,
                                      emit_solver,     emit_transient, emit_coolant,
                                      emit_coldplate,  emit_flow,      emit_gpu_models,
                                      emit_gpus,       emit_workload,  emit_package_materials,
                                      emit_loop,       emit_facility};
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const Emit emit : emitters) emit(out, c);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace kelvin
