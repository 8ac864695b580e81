// check_case()'s checks of the GPU models (every parameter within a physical range), the GPUs
// and their per-GPU overrides (checked like the section values they replace), and the workload.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

/// Plausible range of a GPU model parameter, in the member's unit (W, MHz, K, K^-1, 1,
/// tokens/s). Wide enough for any data-centre GPU; the README's GPU-model table lists them.
struct FieldRange {
  const char* key;
  double lo;
  bool lo_open;  ///< lo itself excluded
  double hi;
  bool hi_open;  ///< hi itself excluded
  const char* unit;
};

constexpr double kMaxGpuPower_W = 5000;    // five times the largest GPU made (GB200, 1200 W)
constexpr double kMaxGpuClock_MHz = 5000;  // data-centre GPUs clock below 2.5 GHz
constexpr double kMinJunction_K = 273.15;  // 0 degC: thresholds and T_ref of working silicon
constexpr double kMaxJunction_K = 423.15;  // 150 degC: above every silicon junction rating

const std::vector<FieldRange>& field_ranges() {
  static const std::vector<FieldRange> ranges{
      {"power_limit", 0, true, kMaxGpuPower_W, false, "W"},
      {"min_power_limit", 0, true, kMaxGpuPower_W, false, "W"},
      {"max_power_limit", 0, true, kMaxGpuPower_W, false, "W"},
      {"min_clock", 0, true, kMaxGpuClock_MHz, false, "MHz"},
      {"max_clock", 0, true, kMaxGpuClock_MHz, false, "MHz"},
      {"voltage_knee", 0, true, kMaxGpuClock_MHz, false, "MHz"},
      {"voltage_floor", 0, true, 1, false, ""},
      {"idle_power", 0, false, kMaxGpuPower_W, false, "W"},
      {"leakage_power", 0, false, kMaxGpuPower_W, false, "W"},
      {"leakage_reference_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      // Real silicon leaks a few percent more per kelvin (H100: 2.3 %/K); 0 turns it off.
      {"leakage_growth", 0, false, 0.2, false, "K-1"},
      {"dynamic_power", 0, true, kMaxGpuPower_W, false, "W"},
      {"hbm_power_fraction", 0, false, 1, true, ""},
      {"slowdown_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      {"hw_slowdown_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      {"shutdown_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      {"max_operating_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      {"memory_max_temperature", kMinJunction_K, false, kMaxJunction_K, false, "K"},
      {"hysteresis", 0, true, 30, false, "K"},
      {"thermal_clock_step", 0, true, kMaxGpuClock_MHz, false, "MHz"},
      {"training_tokens_per_s", 0, false, 1e8, false, "tokens/s"},
      {"prefill_tokens_per_s", 0, false, 1e8, false, "tokens/s"},
      {"decode_tokens_per_s", 0, false, 1e8, false, "tokens/s"},
  };
  return ranges;
}

/// "[0, 0.2] K-1", "(0, 5000] W", "[273.15, 423.15] K (0 .. 150 degC)".
std::string range_text(const FieldRange& r) {
  std::string s =
      std::string(r.lo_open ? "(" : "[") + num(r.lo) + ", " + num(r.hi) + (r.hi_open ? ")" : "]");
  if (*r.unit) s += std::string(" ") + r.unit;
  if (std::string(r.unit) == "K" && r.lo > 0)
    s += " (" + num(r.lo - 273.15) + " .. " + num(r.hi - 273.15) + " degC)";
  return s;
}

bool in_range(const FieldRange& r, double v) {
  return std::isfinite(v) && (r.lo_open ? v > r.lo : v >= r.lo) &&
         (r.hi_open ? v < r.hi : v <= r.hi);
}

}  // namespace

void Checker::check_gpu_models() {
  for (std::size_t i = 0; i < m_case.gpu_models.size(); ++i) {
    const GpuModel& m = m_case.gpu_models[i];
    const std::string path = "gpu_models[" + std::to_string(i) + "]";
    const std::string who = "GPU model " + in_quotes(m.name);
    for (const auto& f : gpu_fields()) {
      const double v = m.*f.member;
      const auto r =
          std::find_if(field_ranges().begin(), field_ranges().end(),
                       [&](const FieldRange& fr) { return std::string(fr.key) == f.key; });
      // A derived dynamic_power at or below zero is explained by the calibration message below.
      const bool derived = std::string(f.key) == "dynamic_power" &&
                           !m_case.key_marks.count(path + ".dynamic_power") && !(v > 0);
      if (r != field_ranges().end() && !derived && !in_range(*r, v))
        report(path + "." + f.key, who + ": " + f.key + " must lie in " + range_text(*r) +
                                       ", got " + num(v) + (*r->unit ? " " : "") + r->unit);
    }
    if (!(m.min_clock_MHz < m.max_clock_MHz))
      report(path + ".min_clock", who + ": min_clock must be below max_clock");
    if (!(m.voltage_knee_MHz < m.max_clock_MHz))
      report(path + ".voltage_knee", who + ": voltage_knee (" + num(m.voltage_knee_MHz) +
                                         " MHz) must be below max_clock (" + num(m.max_clock_MHz) +
                                         " MHz)");
    if (!(m.thermal_clock_step_MHz <= m.max_clock_MHz - m.min_clock_MHz))
      report(path + ".thermal_clock_step", who + ": thermal_clock_step (" +
                                               num(m.thermal_clock_step_MHz) +
                                               " MHz) must not exceed max_clock - min_clock (" +
                                               num(m.max_clock_MHz - m.min_clock_MHz) + " MHz)");
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
  check_loop();      // the loop around the GPUs: it needs them, and sets their feeds
  check_facility();  // the facility around the loop's racks
  if (!m_case.gpus) {
    if (m_case.key_marks.count("workload"))
      report("workload",
             "workload: it drives GPUs, but the case has no \"gpus\" section; add one or remove "
             "\"workload\"");
    return;
  }
  const GpuCase& g = *m_case.gpus;
  const GpuModel* model = m_case.gpu_model();
  if (!model)
    report("gpus.model",
           "gpus: unknown GPU model " + in_quotes(g.model) + " (known: " + join(catalogue_names()) +
               ", or define it under gpu_models)" + did_you_mean(g.model, catalogue_names()));
  bool section_cap_reported = false;
  for (std::size_t i = 0; i < g.instances.size(); ++i) {
    const GpuInstance& gi = g.instances[i];
    const std::string path = "gpus.instances[" + std::to_string(i) + "]";
    const std::string who = "GPU " + in_quotes(gi.name);
    // Zero means "not given" (GpuInstance); a given value is checked whatever it is, like the
    // section value it replaces.
    const auto given = [&](const char* key) {
      return m_case.key_marks.count(path + "." + key) > 0;
    };
    const bool own_cap = given("power_limit");
    const bool section_cap = !own_cap && m_case.key_marks.count("gpus.power_limit") > 0;
    if (model && (own_cap || section_cap || gi.power_limit_W != 0) &&
        !(gi.power_limit_W >= model->min_power_limit_W &&
          gi.power_limit_W <= model->max_power_limit_W) &&
        !(section_cap && section_cap_reported)) {
      report(own_cap       ? path + ".power_limit"
             : section_cap ? "gpus.power_limit"
                           : path,
             who + ": power limit " + num(gi.power_limit_W) + " W is outside the " + model->name +
                 "'s range " + num(model->min_power_limit_W) + " .. " +
                 num(model->max_power_limit_W) + " W");
      section_cap_reported = section_cap_reported || section_cap;
    }
    const bool own_inlet = given("inlet_temperature") || gi.inlet_temperature_K != 0;
    const bool own_flow = given("flow_rate") || gi.flow_rate_m3_s != 0;
    if ((own_inlet || own_flow) && !m_case.has_flow()) {
      report(path, who +
                       ": inlet_temperature and flow_rate need a coolant flow (coolant and "
                       "coldplate or flow inlets)");
      continue;
    }
    if (own_inlet && m_coolant && !failed(path + ".inlet_temperature")) {
      try {
        check_coolant_temperature(*m_coolant, gi.inlet_temperature_K, who + ": inlet_temperature");
      } catch (const CoolantError& e) {
        report(path + ".inlet_temperature", gi.mark, e.what());
      }
    }
    if (own_flow && !(gi.flow_rate_m3_s > 0 && std::isfinite(gi.flow_rate_m3_s)))
      report(path + ".flow_rate", gi.mark,
             who + ": flow_rate must be positive and finite, got " + num(gi.flow_rate_m3_s) +
                 " m^3/s");
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
  } else if (!named && m_case.sources.size() != 1 &&
             !(geometry_optional() && m_case.sources.empty())) {
    // (an air-cooled hall's GPUs heat its modelled sinks: it needs no source)
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

}  // namespace kelvin::parse_detail
