// The GPU sections: gpu_models (overrides of the built-in catalogue), gpus and their
// instances, and the workload that drives them.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "solver/case/parser.hpp"
#include "solver/power/workload.hpp"

namespace kelvin::parse_detail {

const std::vector<GpuField>& gpu_fields() {
  static const std::vector<GpuField> fields{
      {"power_limit", Dimension::Power, &GpuModel::power_limit_W, 1},
      {"min_power_limit", Dimension::Power, &GpuModel::min_power_limit_W, 1},
      {"max_power_limit", Dimension::Power, &GpuModel::max_power_limit_W, 1},
      {"min_clock", Dimension::Frequency, &GpuModel::min_clock_MHz, 1e6},
      {"max_clock", Dimension::Frequency, &GpuModel::max_clock_MHz, 1e6},
      {"voltage_knee", Dimension::Frequency, &GpuModel::voltage_knee_MHz, 1e6},
      {"voltage_floor", Dimension::Dimensionless, &GpuModel::voltage_floor, 1},
      {"idle_power", Dimension::Power, &GpuModel::idle_power_W, 1},
      {"leakage_power", Dimension::Power, &GpuModel::leakage_W, 1},
      {"leakage_reference_temperature", Dimension::Temperature, &GpuModel::leakage_reference_K, 1},
      {"leakage_growth", Dimension::InverseTemperature, &GpuModel::leakage_growth_per_K, 1},
      {"dynamic_power", Dimension::Power, &GpuModel::dynamic_power_W, 1},
      {"hbm_power_fraction", Dimension::Dimensionless, &GpuModel::hbm_power_fraction, 1},
      {"slowdown_temperature", Dimension::Temperature, &GpuModel::slowdown_K, 1},
      {"hw_slowdown_temperature", Dimension::Temperature, &GpuModel::hw_slowdown_K, 1},
      {"shutdown_temperature", Dimension::Temperature, &GpuModel::shutdown_K, 1},
      {"max_operating_temperature", Dimension::Temperature, &GpuModel::max_operating_K, 1},
      {"memory_max_temperature", Dimension::Temperature, &GpuModel::memory_max_K, 1},
      {"hysteresis", Dimension::TemperatureDifference, &GpuModel::hysteresis_K, 1},
      {"thermal_clock_step", Dimension::Frequency, &GpuModel::thermal_clock_step_MHz, 1e6},
      {"training_tokens_per_s", Dimension::Dimensionless, &GpuModel::training_tokens_per_s, 1},
      {"prefill_tokens_per_s", Dimension::Dimensionless, &GpuModel::prefill_tokens_per_s, 1},
      {"decode_tokens_per_s", Dimension::Dimensionless, &GpuModel::decode_tokens_per_s, 1},
  };
  return fields;
}

std::vector<std::string> catalogue_names() {
  std::vector<std::string> names;
  for (const auto& m : gpu_catalogue()) names.push_back(m.name);
  return names;
}

void Parser::parse_gpu_models(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n,
          "\"gpu_models\" must be a mapping from model names to overrides "
          "(H100-SXM5: {power_limit: 650 W}), got " +
              describe(n));
    fail("gpu_models");
    return;
  }
  std::vector<std::string> keys{"base"};
  for (const auto& f : gpu_fields()) keys.push_back(f.key);
  for (const auto& kv : n) {
    if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
      error(kv.first, "GPU model names must be plain words, got " + describe(kv.first));
      continue;
    }
    const std::string name = kv.first.Scalar();
    const Context ctx{"GPU model " + in_quotes(name),
                      "gpu_models[" + std::to_string(m_case.gpu_models.size()) + "]"};
    m_case.key_marks[ctx.path] = mark(kv.first);
    std::string base = find_gpu_model(name) ? name : "H100-SXM5";
    std::map<std::string, double> given;
    walk(kv.second, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
      if (k == "base") {
        if (auto b = text(v, k, ctx)) {
          if (find_gpu_model(*b))
            base = *b;
          else
            error(v, ctx.key_desc(k) + ": unknown GPU model " + in_quotes(*b) + " (known: " +
                         join(catalogue_names()) + ")" + did_you_mean(*b, catalogue_names()));
        }
        return;
      }
      for (const auto& f : gpu_fields())
        if (k == f.key)
          if (auto x = quantity(v, f.dim, k, ctx)) given[k] = *x / f.si_per_unit;
    });
    GpuModel m = *find_gpu_model(base);
    m.name = name;
    for (const auto& f : gpu_fields())
      if (given.count(f.key)) m.*f.member = given[f.key];
    // A changed power limit, idle or leakage keeps the calibration (full activity at the
    // leakage reference temperature sits at the limit at max clock) unless dynamic_power is given.
    if (!given.count("dynamic_power"))
      m.dynamic_power_W = m.power_limit_W - m.idle_power_W - m.leakage_W;
    m_case.gpu_models.push_back(m);
  }
}

void Parser::parse_gpus(const YAML::Node& n) {
  const Context ctx{"gpus", "gpus"};
  GpuCase g;
  g.mark = mark(n);
  int count = 0;
  double power_limit = 0;
  YAML::Node instances;
  bool has_instances = false;
  walk(n, ctx,
       {"model", "count", "instances", "die_source", "hbm_material", "power_limit",
        "control_interval"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "model") {
           if (auto s = text(v, k, ctx)) g.model = *s;
         } else if (k == "count") {
           if (auto i = integer(v, k, ctx)) count = *i;
         } else if (k == "instances") {
           instances.reset(v);
           has_instances = true;
         } else if (k == "die_source") {
           if (auto s = text(v, k, ctx)) g.die_source = *s;
         } else if (k == "hbm_material") {
           if (auto s = text(v, k, ctx, true)) g.hbm_material = *s;
         } else if (k == "power_limit") {
           if (auto x = quantity(v, Dimension::Power, k, ctx)) power_limit = *x;
         } else if (auto x = quantity(v, Dimension::Time, k, ctx)) {
           g.control_interval_s = *x;
         }
       });
  if (count < 0 || count > 4096) {
    error(n, "\"count\" in gpus must be between 1 and 4096, got " + std::to_string(count));
    count = 0;
  }
  for (int i = 0; i < count; ++i) {
    GpuInstance gi;
    gi.name = "gpu" + std::to_string(i);
    gi.power_limit_W = power_limit;
    gi.mark = g.mark;
    g.instances.push_back(gi);
  }
  if (has_instances) parse_gpu_instances(instances, ctx, g);
  if (g.instances.empty()) {
    error(n, "gpus needs \"count\" or \"instances\" (at least one GPU)");
    fail("gpus");
  }
  // An instance without its own power_limit takes the section's (a given 0 W stays, for
  // check_case() to report).
  for (std::size_t i = 0; i < g.instances.size(); ++i)
    if (!m_case.key_marks.count(ctx.path + ".instances[" + std::to_string(i) + "].power_limit"))
      g.instances[i].power_limit_W = power_limit;
  m_case.gpus = g;
}

void Parser::parse_gpu_instances(const YAML::Node& n, const Context& gctx, GpuCase& g) {
  if (!expect_list(n, "instances",
                   " of GPUs (each like \"- {name: gpu7, inlet_temperature: "
                   "50 degC}\")"))
    return;
  const bool counted = !g.instances.empty();
  std::set<std::string> overridden;  // with count: the GPUs an instance already overrode
  for (const auto& item : n) {
    const std::string name = peek_name(item);
    // An override's keys are recorded under the index of the GPU it overrides, where
    // check_case() looks for them.
    std::size_t index = g.instances.size();
    for (std::size_t i = 0; counted && i < g.instances.size(); ++i)
      if (g.instances[i].name == name) index = i;
    const Context ctx{name.empty() ? "GPU instance" : "GPU " + in_quotes(name),
                      gctx.path + ".instances[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    GpuInstance gi;
    gi.mark = mark(item);
    walk(item, ctx, {"name", "power_limit", "inlet_temperature", "flow_rate"},
         [&](const std::string& k, const YAML::Node& v) {
           if (k == "name") {
             if (auto s = text(v, k, ctx)) gi.name = *s;
           } else if (k == "power_limit") {
             if (auto x = quantity(v, Dimension::Power, k, ctx)) gi.power_limit_W = *x;
           } else if (k == "inlet_temperature") {
             if (auto x = quantity(v, Dimension::Temperature, k, ctx)) gi.inlet_temperature_K = *x;
           } else if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) {
             gi.flow_rate_m3_s = *x;
           }
         });
    if (gi.name.empty()) gi.name = "gpu" + std::to_string(index);
    auto same = std::find_if(g.instances.begin(), g.instances.end(),
                             [&](const GpuInstance& o) { return o.name == gi.name; });
    if (same != g.instances.end() && counted && !overridden.insert(gi.name).second) {
      error(item, "GPU " + in_quotes(gi.name) + " is overridden twice under \"instances\"");
    } else if (same != g.instances.end() && counted) {
      *same = gi;  // an override of one of the counted GPUs
      m_case.key_marks["gpus.instances[" + std::to_string(same - g.instances.begin()) + "]"] =
          gi.mark;
    } else if (same != g.instances.end()) {
      error(item, "duplicate GPU name " + in_quotes(gi.name));
    } else if (counted) {
      error(item, ctx.desc + " is not one of gpu0 .. gpu" + std::to_string(g.instances.size() - 1) +
                      " (with \"count\", instances override GPUs by name)");
    } else {
      m_case.key_marks["gpus.instances[" + std::to_string(index) + "]"] = gi.mark;
      g.instances.push_back(gi);
    }
  }
}

void Parser::parse_workload(const YAML::Node& n) {
  const Context ctx{"workload", "workload"};
  WorkloadCase& w = m_case.workload;
  w.mark = mark(n);
  struct Key {
    const char* key;
    Dimension dim;
    double WorkloadCase::*member;
  };
  static const std::vector<Key> numbers{
      {"activity", Dimension::Dimensionless, &WorkloadCase::activity},
      {"memory_bound_fraction", Dimension::Dimensionless, &WorkloadCase::memory_bound_fraction},
      {"tokens_per_s", Dimension::Dimensionless, &WorkloadCase::tokens_per_s},
      {"iteration_time", Dimension::Time, &WorkloadCase::iteration_time_s},
      {"compute_fraction", Dimension::Dimensionless, &WorkloadCase::compute_fraction},
      {"compute_activity", Dimension::Dimensionless, &WorkloadCase::compute_activity},
      {"communication_activity", Dimension::Dimensionless, &WorkloadCase::communication_activity},
      {"checkpoint_duration", Dimension::Time, &WorkloadCase::checkpoint_duration_s},
      {"prefill_fraction", Dimension::Dimensionless, &WorkloadCase::prefill_fraction},
      {"cycle_time", Dimension::Time, &WorkloadCase::cycle_time_s},
      {"prefill_activity", Dimension::Dimensionless, &WorkloadCase::prefill_activity},
      {"decode_activity", Dimension::Dimensionless, &WorkloadCase::decode_activity},
      {"prefill_tokens_per_s", Dimension::Dimensionless, &WorkloadCase::prefill_tokens_per_s},
      {"decode_tokens_per_s", Dimension::Dimensionless, &WorkloadCase::decode_tokens_per_s},
  };
  std::vector<std::string> allowed{"type", "checkpoint_every", "file"};
  for (const auto& k : numbers) allowed.push_back(k.key);
  const std::vector<std::string> types{"constant", "training", "inference", "trace"};
  bool type_ok = true;
  const auto seen = walk(n, ctx, allowed, [&](const std::string& k, const YAML::Node& v) {
    if (k == "type") {
      const auto s = text(v, k, ctx);
      type_ok = s.has_value();
      if (!s) return;
      if (std::find(types.begin(), types.end(), *s) == types.end()) {
        error(v, ctx.key_desc(k) + ": unknown workload " + in_quotes(*s) + " (" + join(types) +
                     ")" + did_you_mean(*s, types));
        type_ok = false;
      } else {
        w.type = *s;
      }
    } else if (k == "checkpoint_every") {
      if (auto i = integer(v, k, ctx)) w.checkpoint_every = *i;
    } else if (k == "file") {
      if (auto s = text(v, k, ctx)) {
        std::filesystem::path p(*s);
        if (p.is_relative()) p = std::filesystem::path(m_file).parent_path() / p;
        w.trace_file = p.string();
      }
    } else {
      for (const auto& nk : numbers)
        if (k == nk.key)
          if (auto x = quantity(v, nk.dim, k, ctx)) w.*nk.member = *x;
    }
  });
  if (!type_ok || !n.IsMap()) return;
  // A key the type does not read would be silently ignored: an error, like a boundary's.
  const std::vector<std::string>& takes = workload_keys(w.type);
  for (const auto& k : seen) {
    if (k == "type" || k[0] == '?' || std::find(takes.begin(), takes.end(), k) != takes.end())
      continue;
    const SourceMark& at = m_case.key_marks[ctx.key_path(k)];
    m_diags.push_back({m_file, at.line, at.column,
                       ctx.key_desc(k) + ": does not apply to " +
                           (w.type == "inference" ? "an " : "a ") + w.type +
                           " workload (it takes " + join(takes) + ")"});
    fail(ctx.key_path(k));
  }
  if (w.type == "trace" && seen.count("file")) read_trace(ctx);
}

const std::vector<std::string>& workload_keys(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> keys{
      {"constant", {"activity", "memory_bound_fraction", "tokens_per_s"}},
      {"training",
       {"tokens_per_s", "iteration_time", "compute_fraction", "compute_activity",
        "communication_activity", "checkpoint_every", "checkpoint_duration"}},
      {"inference",
       {"cycle_time", "prefill_fraction", "prefill_activity", "decode_activity",
        "prefill_tokens_per_s", "decode_tokens_per_s"}},
      {"trace", {"file", "tokens_per_s"}}};
  static const std::vector<std::string> none;
  const auto it = keys.find(type);
  return it == keys.end() ? none : it->second;
}

void Parser::read_trace(const Context& ctx) {
  const WorkloadCase& w = m_case.workload;
  std::error_code ec;
  // A missing file is check_case()'s to report; the fuzzer must not read files.
  if (!m_options.read_files || !std::filesystem::is_regular_file(w.trace_file, ec)) return;
  TraceLimits limits;
  limits.gpus = m_case.gpus ? static_cast<int>(m_case.gpus->instances.size()) : 0;
  limits.phases = trace_phase_names();
  try {
    read_trace_csv(w.trace_file, limits);
  } catch (const std::exception& e) {
    const SourceMark& at = m_case.key_marks[ctx.key_path("file")];
    m_diags.push_back(
        {m_file, at.line, at.column, "workload: trace file " + std::string(e.what())});
    fail(ctx.key_path("file"));
  }
}

}  // namespace kelvin::parse_detail
