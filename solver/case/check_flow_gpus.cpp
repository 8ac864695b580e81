// check_case()'s checks of the coolant, the cold plate, the flow ports and settings, the GPU
// models, the GPUs and their workload.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

void Checker::check_gpu_models() {
  for (std::size_t i = 0; i < m_case.gpu_models.size(); ++i) {
    const GpuModel& m = m_case.gpu_models[i];
    const std::string path = "gpu_models[" + std::to_string(i) + "]";
    const std::string who = "GPU model " + in_quotes(m.name);
    for (const auto& f : gpu_fields()) {
      const double v = m.*f.member;
      const bool may_be_zero =
          f.dim == Dimension::Dimensionless || f.dim == Dimension::InverseTemperature ||
          std::string(f.key) == "leakage_power" || std::string(f.key) == "idle_power";
      if (!(std::isfinite(v) && (v > 0 || (may_be_zero && v >= 0))))
        report(path + "." + f.key, who + ": " + f.key + " must be " +
                                       (may_be_zero ? "non-negative" : "positive") +
                                       " and finite, got " + num(v));
    }
    if (!(m.min_clock_MHz < m.max_clock_MHz))
      report(path + ".min_clock", who + ": min_clock must be below max_clock");
    if (!(m.voltage_floor > 0 && m.voltage_floor <= 1))
      report(path + ".voltage_floor",
             who + ": voltage_floor must lie in (0, 1], got " + num(m.voltage_floor));
    if (!(m.hbm_power_fraction < 1))
      report(path + ".hbm_power_fraction", who + ": hbm_power_fraction must be below 1");
    if (!(m.slowdown_K < m.hw_slowdown_K && m.hw_slowdown_K < m.shutdown_K))
      report(path + ".slowdown_temperature",
             who + ": expected slowdown < hw_slowdown < shutdown temperature, got " +
                 num(m.slowdown_K) + " K, " + num(m.hw_slowdown_K) + " K, " + num(m.shutdown_K) +
                 " K");
    if (!(m.min_power_limit_W <= m.power_limit_W && m.power_limit_W <= m.max_power_limit_W))
      report(path + ".power_limit", who + ": power_limit " + num(m.power_limit_W) +
                                        " W is outside min_power_limit .. max_power_limit (" +
                                        num(m.min_power_limit_W) + " .. " +
                                        num(m.max_power_limit_W) + " W)");
    if (!(m.dynamic_power_W > 0))
      report(path, who +
                       ": idle_power + leakage_power leave no dynamic power under the power "
                       "limit (dynamic_power " +
                       num(m.dynamic_power_W) + " W)");
  }
}

void Checker::check_gpus() {
  check_gpu_models();
  if (!m_case.gpus) return;
  const GpuCase& g = *m_case.gpus;
  const GpuModel* model = m_case.gpu_model();
  if (!model)
    report("gpus.model",
           "gpus: unknown GPU model " + in_quotes(g.model) + " (known: " + join(catalogue_names()) +
               ", or define it under gpu_models)" + did_you_mean(g.model, catalogue_names()));
  for (std::size_t i = 0; i < g.instances.size(); ++i) {
    const GpuInstance& gi = g.instances[i];
    const std::string path = "gpus.instances[" + std::to_string(i) + "]";
    const std::string who = "GPU " + in_quotes(gi.name);
    if (model && gi.power_limit_W != 0 &&
        !(gi.power_limit_W >= model->min_power_limit_W &&
          gi.power_limit_W <= model->max_power_limit_W))
      report(m_case.key_marks.count(path) ? path : "gpus.power_limit",
             who + ": power limit " + num(gi.power_limit_W) + " W is outside the " + model->name +
                 "'s range " + num(model->min_power_limit_W) + " .. " +
                 num(model->max_power_limit_W) + " W");
    if ((gi.inlet_temperature_K != 0 || gi.flow_rate_m3_s != 0) && !m_case.has_flow())
      report(path, who +
                       ": inlet_temperature and flow_rate need a coolant flow (coolant and "
                       "coldplate or flow inlets)");
    if (gi.inlet_temperature_K < 0 || gi.flow_rate_m3_s < 0 || !std::isfinite(gi.flow_rate_m3_s))
      report(path, who + ": inlet_temperature and flow_rate must be positive");
  }
  if (!(g.control_interval_s > 0 && std::isfinite(g.control_interval_s)))
    report("gpus.control_interval",
           "gpus: control_interval must be positive, got " + num(g.control_interval_s) + " s");
  const bool named = !g.die_source.empty();
  const bool found = std::any_of(m_case.sources.begin(), m_case.sources.end(),
                                 [&](const HeatSource& s) { return s.name == g.die_source; });
  if (named && !found) {
    std::vector<std::string> names;
    for (const auto& s : m_case.sources) names.push_back(s.name);
    report("gpus.die_source", "gpus: die_source " + in_quotes(g.die_source) +
                                  " is not one of the sources" + did_you_mean(g.die_source, names));
  } else if (!named && m_case.sources.size() != 1) {
    report("gpus",
           "gpus: name the heat source that carries the die power (die_source); the "
           "case has " +
               std::to_string(m_case.sources.size()) + " sources");
  }
  if (m_case.key_marks.count("gpus.hbm_material") && !g.hbm_material.empty())
    check_material_ref(g.hbm_material, "gpus.hbm_material", SourceMark{}, "gpus: hbm_material");
  const TransientSettings& t = m_case.transient;
  if (t.enabled && t.adaptive)
    report("transient.adaptive",
           "transient: adaptive steps are not available with gpus (the "
           "governor acts every control_interval); use a fixed time_step");
  if (t.enabled && t.time_step_s > 0 && g.control_interval_s > 0) {
    const double ratio = g.control_interval_s / t.time_step_s;
    if (!(ratio >= 1 - 1e-9 && std::abs(ratio - std::round(ratio)) < 1e-9 * ratio))
      report("transient.time_step", "transient: with gpus, time_step (" + num(t.time_step_s) +
                                        " s) must divide the control_interval (" +
                                        num(g.control_interval_s) + " s) a whole number of times");
  }
  check_workload();
}

void Checker::check_workload() {
  const WorkloadCase& w = m_case.workload;
  const auto fraction = [&](double v, const char* key) {
    if (!(v > 0 && v <= 1))
      report(std::string("workload.") + key,
             std::string("workload: ") + key + " must lie in (0, 1], got " + num(v));
  };
  const auto activity = [&](double v, const char* key) {
    if (!(v >= 0 && v <= 2))
      report(std::string("workload.") + key,
             std::string("workload: ") + key + " must lie in [0, 2], got " + num(v));
  };
  const auto positive = [&](double v, const char* key) {
    if (!(v > 0 && std::isfinite(v)))
      report(std::string("workload.") + key,
             std::string("workload: ") + key + " must be positive, got " + num(v));
  };
  const auto non_negative = [&](double v, const char* key) {
    if (!(v >= 0 && std::isfinite(v)))
      report(std::string("workload.") + key,
             std::string("workload: ") + key + " must not be negative, got " + num(v));
  };
  activity(w.activity, "activity");
  activity(w.compute_activity, "compute_activity");
  activity(w.communication_activity, "communication_activity");
  activity(w.prefill_activity, "prefill_activity");
  activity(w.decode_activity, "decode_activity");
  if (!(w.memory_bound_fraction >= 0 && w.memory_bound_fraction <= 1))
    report("workload.memory_bound_fraction", "workload: memory_bound_fraction must lie in [0, 1]");
  fraction(w.compute_fraction, "compute_fraction");
  fraction(w.prefill_fraction, "prefill_fraction");
  positive(w.iteration_time_s, "iteration_time");
  positive(w.cycle_time_s, "cycle_time");
  positive(w.checkpoint_duration_s, "checkpoint_duration");
  non_negative(w.tokens_per_s, "tokens_per_s");
  non_negative(w.prefill_tokens_per_s, "prefill_tokens_per_s");
  non_negative(w.decode_tokens_per_s, "decode_tokens_per_s");
  if (w.checkpoint_every < 0)
    report("workload.checkpoint_every", "workload: checkpoint_every must not be negative");
  if (w.type == "trace") {
    std::error_code ec;
    if (w.trace_file.empty())
      report("workload.type",
             "workload: a trace needs \"file\" (a CSV of time_s, gpu, activity, phase)");
    else if (!std::filesystem::is_regular_file(w.trace_file, ec))
      report("workload.file", "workload: trace file " + in_quotes(w.trace_file) + " not found");
  }
}

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
  try {
    m_coolant = make_coolant(parse_coolant(cc.fluid));
  } catch (const CoolantError& e) {
    const std::string what = e.what();
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
