#include "solver/power/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "solver/power/gpu_model.hpp"

namespace kelvin {
namespace {

// A phase's remaining work below this fraction of its duration counts as done: work finished
// at an event time t = remaining / g lands within a few ulps of the duration, and leaving that
// crumb would cost a spurious event (or, with g tiny, an endless chain of them).
constexpr double kSnapRelative = 1e-12;
// Events (phase or sample changes) one advance() may resolve before it gives up.
constexpr long long kMaxEventsPerAdvance = 1000000;

const std::string kWaitName = "wait";
const std::string kIdleName = "idle";

// Progress rate of clock-bound work at clock ratio r = f / f_max, nominal seconds per second:
// g = 1 / ((1 - m) / r + m); 0 for a shut-down GPU.
double progress_rate(double clock_ratio, double memory_bound_fraction) {
  if (!(clock_ratio > 0)) return 0.0;
  return relative_throughput(clock_ratio, 1.0, memory_bound_fraction);
}

bool finite_in(double x, double lo, double hi) { return std::isfinite(x) && x >= lo && x <= hi; }

void check_phase(const WorkloadPhase& p, const char* where) {
  if (p.name.empty()) throw std::invalid_argument(fmt::format("{}: a phase has no name", where));
  if (!finite_in(p.activity, 0.0, 2.0)) {
    throw std::invalid_argument(
        fmt::format("{}: phase '{}': activity {} is not in [0, 2]", where, p.name, p.activity));
  }
  if (!finite_in(p.memory_bound_fraction, 0.0, 1.0)) {
    throw std::invalid_argument(
        fmt::format("{}: phase '{}': memory_bound_fraction {} is not in "
                    "[0, 1]",
                    where, p.name, p.memory_bound_fraction));
  }
  if (!(std::isfinite(p.duration_s) && p.duration_s > 0)) {
    throw std::invalid_argument(
        fmt::format("{}: phase '{}': duration {} s must be > 0", where, p.name, p.duration_s));
  }
  if (!(std::isfinite(p.tokens_per_s) && p.tokens_per_s >= 0)) {
    throw std::invalid_argument(
        fmt::format("{}: phase '{}': tokens_per_s {} must be >= 0", where, p.name, p.tokens_per_s));
  }
}

void require_fraction(double x, const char* what, const char* where) {
  if (!(std::isfinite(x) && x > 0 && x <= 1)) {
    throw std::invalid_argument(fmt::format("{}: {} = {} is not in (0, 1]", where, what, x));
  }
}

void require_positive(double x, const char* what, const char* where) {
  if (!(std::isfinite(x) && x > 0)) {
    throw std::invalid_argument(fmt::format("{}: {} = {} must be > 0", where, what, x));
  }
}

void require_non_negative(double x, const char* what, const char* where) {
  if (!(std::isfinite(x) && x >= 0)) {
    throw std::invalid_argument(fmt::format("{}: {} = {} must be >= 0", where, what, x));
  }
}

void require_activity(double x, const char* what, const char* where) {
  if (!finite_in(x, 0.0, 2.0)) {
    throw std::invalid_argument(fmt::format("{}: {} = {} is not in [0, 2]", where, what, x));
  }
}

WorkloadPhase make_phase(const std::string& name, double activity, double memory_bound_fraction,
                         double duration_s, bool clock_bound, double tokens_per_s) {
  WorkloadPhase p;
  p.name = name;
  p.activity = activity;
  p.memory_bound_fraction = memory_bound_fraction;
  p.duration_s = duration_s;
  p.clock_bound = clock_bound;
  p.tokens_per_s = tokens_per_s;
  return p;
}

// ---- CSV helpers ------------------------------------------------------------------------

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(ws);
  std::string out = s.substr(b, e - b + 1);
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"')
    out = out.substr(1, out.size() - 2);
  return out;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    out.push_back(
        trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Parses the whole of text as a finite number, or returns false.
bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  try {
    std::size_t used = 0;
    value = std::stod(text, &used);
    return used == text.size() && std::isfinite(value);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

// ---- workload builders ------------------------------------------------------------------

WorkloadSpec make_training_workload(double tokens_per_s, double iteration_s,
                                    double compute_fraction, double compute_activity,
                                    double comm_activity, int checkpoint_every,
                                    double checkpoint_s) {
  const char* where = "training workload";
  require_non_negative(tokens_per_s, "tokens_per_s", where);
  require_positive(iteration_s, "iteration_s", where);
  require_fraction(compute_fraction, "compute_fraction", where);
  require_activity(compute_activity, "compute_activity", where);
  require_activity(comm_activity, "comm_activity", where);
  if (checkpoint_every < 0) {
    throw std::invalid_argument(
        fmt::format("{}: checkpoint_every = {} must be >= 0", where, checkpoint_every));
  }
  if (checkpoint_every > 0) {
    require_positive(checkpoint_s, "checkpoint_s", where);
  } else {
    require_non_negative(checkpoint_s, "checkpoint_s", where);
  }

  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::Training;
  spec.synchronous = true;
  // The compute phase carries all the tokens: tokens_per_s / c over c * iteration_s nominal
  // seconds gives tokens_per_s * iteration_s per iteration, i.e. tokens_per_s on average at
  // max clock.
  spec.cycle.push_back(make_phase("compute", compute_activity, 0.15, iteration_s * compute_fraction,
                                  true, tokens_per_s / compute_fraction));
  const double comm_s = iteration_s * (1.0 - compute_fraction);
  if (comm_s > 0)
    spec.cycle.push_back(make_phase("communication", comm_activity, 0.0, comm_s, false, 0.0));
  spec.checkpoint_every = checkpoint_every;
  spec.checkpoint_phase =
      make_phase("checkpoint", 0.05, 0.0, checkpoint_every > 0 ? checkpoint_s : 1.0, false, 0.0);
  return spec;
}

WorkloadSpec make_inference_workload(double prefill_tokens_per_s, double decode_tokens_per_s,
                                     double prefill_fraction, double cycle_s,
                                     double prefill_activity, double decode_activity) {
  const char* where = "inference workload";
  require_non_negative(prefill_tokens_per_s, "prefill_tokens_per_s", where);
  require_non_negative(decode_tokens_per_s, "decode_tokens_per_s", where);
  require_fraction(prefill_fraction, "prefill_fraction", where);
  require_positive(cycle_s, "cycle_s", where);
  require_activity(prefill_activity, "prefill_activity", where);
  require_activity(decode_activity, "decode_activity", where);

  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::Inference;
  spec.synchronous = false;
  spec.cycle.push_back(make_phase("prefill", prefill_activity, 0.2, cycle_s * prefill_fraction,
                                  true, prefill_tokens_per_s));
  const double decode_s = cycle_s * (1.0 - prefill_fraction);
  if (decode_s > 0) {
    spec.cycle.push_back(
        make_phase("decode", decode_activity, 0.95, decode_s, true, decode_tokens_per_s));
  }
  return spec;
}

WorkloadSpec make_constant_workload(double activity, double memory_bound_fraction,
                                    double tokens_per_s) {
  const char* where = "constant workload";
  require_activity(activity, "activity", where);
  if (!finite_in(memory_bound_fraction, 0.0, 1.0)) {
    throw std::invalid_argument(fmt::format("{}: memory_bound_fraction = {} is not in [0, 1]",
                                            where, memory_bound_fraction));
  }
  require_non_negative(tokens_per_s, "tokens_per_s", where);
  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::Constant;
  // One nominal second per cycle: cycles() then counts nominal seconds of work.
  spec.cycle.push_back(
      make_phase("constant", activity, memory_bound_fraction, 1.0, true, tokens_per_s));
  return spec;
}

// ---- trace CSV --------------------------------------------------------------------------

std::vector<WorkloadPhase> trace_phases(double compute_tokens_per_s, double prefill_tokens_per_s,
                                        double decode_tokens_per_s) {
  // The phases of a training and an inference cycle (their durations do not matter here).
  const WorkloadSpec tr = make_training_workload(compute_tokens_per_s, 1, 0.5, 1, 0.1, 0, 1);
  const WorkloadSpec inf =
      make_inference_workload(prefill_tokens_per_s, decode_tokens_per_s, 0.5, 1, 1, 0.25);
  std::vector<WorkloadPhase> phases = tr.cycle;
  phases.insert(phases.end(), inf.cycle.begin(), inf.cycle.end());
  for (auto& p : phases)
    if (p.name == "compute") p.tokens_per_s = compute_tokens_per_s;
  phases.push_back(make_phase(kIdleName, 0.0, 0.2, 1.0, false, 0.0));
  return phases;
}

std::vector<std::string> trace_phase_names() {
  std::vector<std::string> names;
  for (const auto& p : trace_phases(1, 1, 1)) names.push_back(p.name);
  return names;
}

std::vector<TraceSample> read_trace_csv(const std::string& path, const TraceLimits& limits) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open trace file", path));

  std::string line;
  if (!std::getline(in, line))
    throw std::runtime_error(
        fmt::format("{}:1: empty trace file (expected a header line "
                    "time_s,gpu,activity,phase and samples)",
                    path));
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
  const std::vector<std::string> header = split_fields(line);
  const auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw std::runtime_error(fmt::format(
          "{}:1: missing column '{}' (the header needs time_s, gpu, activity and phase)", path,
          name));
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_time = column("time_s"), c_gpu = column("gpu"),
                    c_activity = column("activity"), c_phase = column("phase");

  std::vector<TraceSample> samples;
  std::vector<double> last_time;  // per GPU, for the monotonicity check
  long long line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::vector<std::string> f = split_fields(line);
    const auto fail = [&](const std::string& what) {
      return std::runtime_error(fmt::format("{}:{}: {}", path, line_no, what));
    };
    if (f.size() != header.size()) {
      throw fail(fmt::format("{} fields, the header has {}", f.size(), header.size()));
    }
    TraceSample s;
    if (!parse_number(f[c_time], s.time_s)) throw fail(fmt::format("bad time_s '{}'", f[c_time]));
    double gpu = 0;
    if (!parse_number(f[c_gpu], gpu) || gpu != std::floor(gpu) || gpu > 1e9) {
      throw fail(fmt::format("bad gpu '{}' (expected an integer)", f[c_gpu]));
    }
    if (gpu < 0) throw fail(fmt::format("negative gpu {}", f[c_gpu]));
    if (limits.gpus > 0 && gpu >= limits.gpus)
      throw fail(fmt::format("gpu {} is not one of the case's {} GPUs (0 .. {})", f[c_gpu],
                             limits.gpus, limits.gpus - 1));
    s.gpu = static_cast<int>(gpu);
    if (!parse_number(f[c_activity], s.activity)) {
      throw fail(fmt::format("bad activity '{}'", f[c_activity]));
    }
    // A recorded utilisation: the busy fraction of the sample period.
    if (s.activity < 0 || s.activity > 1) {
      throw fail(fmt::format("activity {} outside [0, 1]", f[c_activity]));
    }
    s.phase = f[c_phase];
    if (s.phase.empty()) throw fail("empty phase");
    if (!limits.phases.empty() &&
        std::find(limits.phases.begin(), limits.phases.end(), s.phase) == limits.phases.end()) {
      std::string known;
      for (const auto& p : limits.phases) known += (known.empty() ? "" : ", ") + p;
      throw fail(fmt::format("unknown phase '{}' (one of {})", s.phase, known));
    }
    const auto g = static_cast<std::size_t>(s.gpu);
    if (g >= last_time.size()) last_time.resize(g + 1, -std::numeric_limits<double>::infinity());
    if (s.time_s < last_time[g]) {
      throw fail(fmt::format("time {} s for gpu {} is before its previous sample at {} s", s.time_s,
                             s.gpu, last_time[g]));
    }
    last_time[g] = s.time_s;
    samples.push_back(std::move(s));
  }
  if (samples.empty())
    throw std::runtime_error(
        fmt::format("{}:{}: the trace has no samples after its header", path, line_no));
  std::stable_sort(samples.begin(), samples.end(), [](const TraceSample& a, const TraceSample& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.gpu < b.gpu);
  });
  return samples;
}

// ---- runner -----------------------------------------------------------------------------

WorkloadRunner::WorkloadRunner(const WorkloadSpec& spec, int gpus) : m_spec(spec), m_gpus(gpus) {
  const char* where = "workload";
  if (gpus < 1) throw std::invalid_argument(fmt::format("{}: {} GPUs (need >= 1)", where, gpus));
  require_activity(m_spec.wait_activity, "wait_activity", where);
  const auto n = static_cast<std::size_t>(gpus);
  m_phase.assign(n, 0);
  m_cycles.assign(n, 0);
  m_done.assign(n, 0.0);
  m_trace_cursor.assign(n, 0);

  if (m_spec.kind == WorkloadSpec::Kind::Trace) {
    for (const auto& p : m_spec.trace_phases) check_phase(p, "trace workload");
    m_trace_samples.assign(n, {});
    for (std::size_t i = 0; i < m_spec.trace.size(); ++i) {
      const TraceSample& s = m_spec.trace[i];
      if (s.gpu < 0 || s.gpu >= gpus) {
        throw std::invalid_argument(
            fmt::format("trace workload: sample at {} s is for gpu {}, but the case has {} GPUs",
                        s.time_s, s.gpu, gpus));
      }
      if (!std::isfinite(s.time_s) || !finite_in(s.activity, 0.0, 2.0)) {
        throw std::invalid_argument(
            fmt::format("trace workload: sample at {} s for gpu {} has a bad time or activity {}",
                        s.time_s, s.gpu, s.activity));
      }
      const auto it = std::find_if(m_spec.trace_phases.begin(), m_spec.trace_phases.end(),
                                   [&](const WorkloadPhase& p) { return p.name == s.phase; });
      if (it == m_spec.trace_phases.end()) {
        throw std::invalid_argument(
            fmt::format("trace workload: sample at {} s for gpu {} names unknown phase '{}'",
                        s.time_s, s.gpu, s.phase));
      }
      auto& list = m_trace_samples[static_cast<std::size_t>(s.gpu)];
      if (!list.empty() && s.time_s < m_spec.trace[list.back()].time_s) {
        throw std::invalid_argument(fmt::format(
            "trace workload: samples for gpu {} go back in time at {} s", s.gpu, s.time_s));
      }
      list.push_back(i);
      m_trace_phase_index.push_back(static_cast<std::size_t>(it - m_spec.trace_phases.begin()));
    }
    // Samples at or before t = 0 are in force from the start.
    for (std::size_t g = 0; g < n; ++g) advance_trace_cursor(g, m_time);
    return;
  }

  if (m_spec.cycle.empty()) throw std::invalid_argument("workload: the cycle has no phases");
  for (const auto& p : m_spec.cycle) check_phase(p, "workload");
  if (m_spec.checkpoint_every < 0) {
    throw std::invalid_argument(
        fmt::format("workload: checkpoint_every = {} must be >= 0", m_spec.checkpoint_every));
  }
  if (m_spec.checkpoint_every > 0) check_phase(m_spec.checkpoint_phase, "workload checkpoint");
}

const WorkloadPhase& WorkloadRunner::phase_at(long long index) const {
  const auto i = static_cast<std::size_t>(index);
  return i < m_spec.cycle.size() ? m_spec.cycle[i] : m_spec.checkpoint_phase;
}

void WorkloadRunner::next_phase(std::size_t gpu) {
  const long long last = static_cast<long long>(m_spec.cycle.size()) - 1;
  if (m_phase[gpu] < last) {
    ++m_phase[gpu];
  } else if (m_phase[gpu] == last) {
    ++m_cycles[gpu];
    const bool checkpoint =
        m_spec.checkpoint_every > 0 && m_cycles[gpu] % m_spec.checkpoint_every == 0;
    m_phase[gpu] = checkpoint ? last + 1 : 0;
  } else {
    m_phase[gpu] = 0;  // after the checkpoint
  }
  m_done[gpu] = 0.0;
}

bool WorkloadRunner::waiting(std::size_t gpu) const {
  if (m_spec.kind == WorkloadSpec::Kind::Trace || !m_spec.synchronous) return false;
  const WorkloadPhase& p = phase_at(m_phase[gpu]);
  return p.clock_bound && m_done[gpu] >= p.duration_s;
}

const WorkloadPhase* WorkloadRunner::trace_phase(std::size_t gpu) const {
  const long long c = m_trace_cursor[gpu];
  if (c == 0) return nullptr;
  const std::size_t sample = m_trace_samples[gpu][static_cast<std::size_t>(c - 1)];
  return &m_spec.trace_phases[m_trace_phase_index[sample]];
}

void WorkloadRunner::advance_trace_cursor(std::size_t gpu, double t) {
  const auto& list = m_trace_samples[gpu];
  auto& c = m_trace_cursor[gpu];
  while (static_cast<std::size_t>(c) < list.size() &&
         m_spec.trace[list[static_cast<std::size_t>(c)]].time_s <= t) {
    ++c;
  }
}

double WorkloadRunner::activity(int gpu) const {
  const auto g = check_gpu(gpu);
  if (m_spec.kind == WorkloadSpec::Kind::Trace) {
    const long long c = m_trace_cursor[g];
    return c == 0 ? 0.0
                  : m_spec.trace[m_trace_samples[g][static_cast<std::size_t>(c - 1)]].activity;
  }
  return waiting(g) ? m_spec.wait_activity : phase_at(m_phase[g]).activity;
}

const std::string& WorkloadRunner::phase_name(int gpu) const {
  const auto g = check_gpu(gpu);
  if (m_spec.kind == WorkloadSpec::Kind::Trace) {
    const long long c = m_trace_cursor[g];
    return c == 0 ? kIdleName
                  : m_spec.trace[m_trace_samples[g][static_cast<std::size_t>(c - 1)]].phase;
  }
  return waiting(g) ? kWaitName : phase_at(m_phase[g]).name;
}

std::size_t WorkloadRunner::check_gpu(int gpu) const {
  if (gpu < 0 || gpu >= m_gpus) {
    throw std::out_of_range(fmt::format("workload: gpu {} is not in [0, {})", gpu, m_gpus));
  }
  return static_cast<std::size_t>(gpu);
}

long long WorkloadRunner::cycles() const { return m_cycles[0]; }

void WorkloadRunner::advance(double dt, const std::vector<double>& clock_ratio,
                             std::vector<double>& mean_activity, std::vector<double>& tokens) {
  if (!(std::isfinite(dt) && dt >= 0)) {
    throw std::invalid_argument(fmt::format("workload: time step {} s must be >= 0", dt));
  }
  if (clock_ratio.size() != static_cast<std::size_t>(m_gpus)) {
    throw std::invalid_argument(
        fmt::format("workload: {} clock ratios for {} GPUs", clock_ratio.size(), m_gpus));
  }
  for (std::size_t g = 0; g < clock_ratio.size(); ++g) {
    if (!(std::isfinite(clock_ratio[g]) && clock_ratio[g] >= 0)) {
      throw std::invalid_argument(
          fmt::format("workload: clock ratio {} of gpu {} must be >= 0", clock_ratio[g], g));
    }
  }
  const auto n = static_cast<std::size_t>(m_gpus);
  mean_activity.assign(n, 0.0);
  tokens.assign(n, 0.0);
  if (dt == 0) {
    for (std::size_t g = 0; g < n; ++g) mean_activity[g] = activity(static_cast<int>(g));
    return;
  }
  // mean_activity accumulates the integral of activity over the interval until the end.
  if (m_spec.kind == WorkloadSpec::Kind::Trace) {
    advance_trace(dt, clock_ratio, mean_activity, tokens);
  } else if (m_spec.synchronous) {
    advance_synchronous(dt, clock_ratio, mean_activity, tokens);
  } else {
    for (std::size_t g = 0; g < n; ++g) {
      advance_independent(g, dt, clock_ratio[g], mean_activity[g], tokens[g]);
    }
  }
  for (auto& a : mean_activity) a /= dt;
  m_time += dt;
}

void WorkloadRunner::too_many_events(double dt) const {
  throw std::runtime_error(fmt::format(
      "workload: more than {} phase changes within one interval of {} s at t = {} s; the phases "
      "are far too short for the interval",
      kMaxEventsPerAdvance, dt, m_time));
}

void WorkloadRunner::advance_independent(std::size_t g, double dt, double clock_ratio,
                                         double& activity_integral, double& tokens) {
  double left = dt;
  long long events = 0;
  while (left > 0) {
    if (++events > kMaxEventsPerAdvance) too_many_events(dt);
    const WorkloadPhase& p = phase_at(m_phase[g]);
    // rate: phase progress per second (nominal seconds for work, seconds for fixed time).
    const double rate = p.clock_bound ? progress_rate(clock_ratio, p.memory_bound_fraction) : 1.0;
    // Fixed phases pass with time, but a shut-down GPU produces nothing in them either.
    const double token_rate = p.tokens_per_s * (p.clock_bound || clock_ratio > 0 ? 1.0 : 0.0);
    const double need = std::max(p.duration_s - m_done[g], 0.0);
    const double t_finish = rate > 0 ? need / rate : std::numeric_limits<double>::infinity();
    if (t_finish <= left) {
      // Work to the end of the phase: exactly the rest of its tokens.
      activity_integral += p.activity * t_finish;
      tokens += token_rate * need;
      left -= t_finish;
      next_phase(g);
      continue;
    }
    activity_integral += p.activity * left;
    tokens += token_rate * rate * left;
    m_done[g] += rate * left;
    left = 0;
    if (p.duration_s - m_done[g] <= kSnapRelative * p.duration_s) next_phase(g);
  }
}

void WorkloadRunner::advance_synchronous(double dt, const std::vector<double>& clock_ratio,
                                         std::vector<double>& activity_integral,
                                         std::vector<double>& tokens) {
  const auto n = static_cast<std::size_t>(m_gpus);
  const auto next_all = [&] {
    for (std::size_t g = 0; g < n; ++g) next_phase(g);
  };
  double left = dt;
  long long events = 0;
  std::vector<double> rate(n);
  while (left > 0) {
    if (++events > kMaxEventsPerAdvance) too_many_events(dt);
    const WorkloadPhase& p = phase_at(m_phase[0]);
    if (!p.clock_bound) {
      // Fixed time, common to all GPUs.
      const double need = p.duration_s - m_done[0];
      const double t = std::min(need, left);
      for (std::size_t g = 0; g < n; ++g) {
        activity_integral[g] += p.activity * t;
        if (clock_ratio[g] > 0) tokens[g] += p.tokens_per_s * t;
      }
      if (need <= left) {
        left -= need;
        next_all();
        continue;
      }
      for (std::size_t g = 0; g < n; ++g) m_done[g] += left;
      left = 0;
      if (p.duration_s - m_done[0] <= kSnapRelative * p.duration_s) next_all();
      continue;
    }
    // Clock-bound: the next event is the earliest finish among the GPUs still working.
    double t_event = std::numeric_limits<double>::infinity();
    bool any_working = false;
    for (std::size_t g = 0; g < n; ++g) {
      rate[g] = progress_rate(clock_ratio[g], p.memory_bound_fraction);
      if (m_done[g] >= p.duration_s) continue;
      any_working = true;
      if (rate[g] > 0) t_event = std::min(t_event, (p.duration_s - m_done[g]) / rate[g]);
    }
    if (!any_working) {  // every GPU done (e.g. restored at that point): move on together
      next_all();
      continue;
    }
    const double t = std::min(t_event, left);
    // The job's tokens follow its slowest GPU: every GPU is credited tokens_per_s times the
    // progress of the least advanced one, so all token rates drop to the slowest GPU's pace.
    const double job_before = *std::min_element(m_done.begin(), m_done.end());
    for (std::size_t g = 0; g < n; ++g) {
      if (m_done[g] >= p.duration_s) {
        activity_integral[g] += m_spec.wait_activity * t;
        continue;
      }
      activity_integral[g] += p.activity * t;
      const double need = p.duration_s - m_done[g];
      const double t_finish =
          rate[g] > 0 ? need / rate[g] : std::numeric_limits<double>::infinity();
      if (t_finish <= t) {
        m_done[g] = p.duration_s;
      } else {
        m_done[g] += rate[g] * t;
        if (p.duration_s - m_done[g] <= kSnapRelative * p.duration_s) m_done[g] = p.duration_s;
      }
    }
    const double job_after = *std::min_element(m_done.begin(), m_done.end());
    for (std::size_t g = 0; g < n; ++g) tokens[g] += p.tokens_per_s * (job_after - job_before);
    left = t_event <= left ? left - t_event : 0.0;
    bool all_done = true;
    for (std::size_t g = 0; g < n; ++g) all_done = all_done && m_done[g] >= p.duration_s;
    if (all_done) next_all();
  }
}

void WorkloadRunner::advance_trace(double dt, const std::vector<double>& clock_ratio,
                                   std::vector<double>& activity_integral,
                                   std::vector<double>& tokens) {
  const auto n = static_cast<std::size_t>(m_gpus);
  const double t_end = m_time + dt;
  double t = m_time;
  long long events = 0;
  while (t < t_end) {
    if (++events > kMaxEventsPerAdvance) too_many_events(dt);
    // The next sample time of any GPU after t, capped at the interval's end.
    double t_next = t_end;
    for (std::size_t g = 0; g < n; ++g) {
      const auto c = static_cast<std::size_t>(m_trace_cursor[g]);
      if (c < m_trace_samples[g].size()) {
        t_next = std::min(t_next, m_spec.trace[m_trace_samples[g][c]].time_s);
      }
    }
    const double span = t_next - t;
    for (std::size_t g = 0; g < n; ++g) {
      const WorkloadPhase* p = trace_phase(g);
      if (p == nullptr) continue;  // idle before the GPU's first sample
      activity_integral[g] += activity(static_cast<int>(g)) * span;
      const double factor = p->clock_bound ? progress_rate(clock_ratio[g], p->memory_bound_fraction)
                                           : (clock_ratio[g] > 0 ? 1.0 : 0.0);
      tokens[g] += p->tokens_per_s * factor * span;
    }
    t = t_next;
    for (std::size_t g = 0; g < n; ++g) advance_trace_cursor(g, t);
  }
}

std::vector<double> WorkloadRunner::save() const {
  // Layout: gpus, time, then per GPU: phase index, cycles, work done, trace cursor. Counters
  // are far below 2^53, so doubles hold them exactly.
  std::vector<double> state;
  state.reserve(2 + 4 * static_cast<std::size_t>(m_gpus));
  state.push_back(static_cast<double>(m_gpus));
  state.push_back(m_time);
  for (std::size_t g = 0; g < static_cast<std::size_t>(m_gpus); ++g) {
    state.push_back(static_cast<double>(m_phase[g]));
    state.push_back(static_cast<double>(m_cycles[g]));
    state.push_back(m_done[g]);
    state.push_back(static_cast<double>(m_trace_cursor[g]));
  }
  return state;
}

void WorkloadRunner::restore(const std::vector<double>& state) {
  const auto n = static_cast<std::size_t>(m_gpus);
  if (state.size() != 2 + 4 * n || state[0] != static_cast<double>(m_gpus)) {
    throw std::invalid_argument(fmt::format(
        "workload restore: state of {} values does not fit a runner of {} GPUs (expected {})",
        state.size(), m_gpus, 2 + 4 * n));
  }
  const auto counter = [&](double x, double hi, const char* what) {
    if (!(x >= 0 && x <= hi && x == std::floor(x))) {
      throw std::invalid_argument(
          fmt::format("workload restore: {} = {} is not a valid counter", what, x));
    }
    return static_cast<long long>(x);
  };
  if (!std::isfinite(state[1])) throw std::invalid_argument("workload restore: bad time");
  const double phases = static_cast<double>(m_spec.cycle.size());
  std::vector<long long> phase(n), cycles(n), cursor(n);
  std::vector<double> done(n);
  for (std::size_t g = 0; g < n; ++g) {
    const double* s = &state[2 + 4 * g];
    phase[g] = counter(s[0], m_spec.checkpoint_every > 0 ? phases : std::max(phases - 1, 0.0),
                       "phase index");
    cycles[g] = counter(s[1], 9007199254740992.0, "cycle count");
    const double duration =
        m_spec.kind == WorkloadSpec::Kind::Trace ? 0.0 : phase_at(phase[g]).duration_s;
    if (!(std::isfinite(s[2]) && s[2] >= 0 && s[2] <= duration)) {
      throw std::invalid_argument(fmt::format("workload restore: work done {} is invalid", s[2]));
    }
    done[g] = s[2];
    const double samples =
        m_trace_samples.empty() ? 0.0 : static_cast<double>(m_trace_samples[g].size());
    cursor[g] = counter(s[3], samples, "trace cursor");
  }
  if (m_spec.kind != WorkloadSpec::Kind::Trace && m_spec.synchronous) {
    for (std::size_t g = 1; g < n; ++g) {
      if (phase[g] != phase[0] || cycles[g] != cycles[0]) {
        throw std::invalid_argument(
            "workload restore: the GPUs of a synchronous job are in different phases");
      }
    }
  }
  m_time = state[1];
  m_phase = std::move(phase);
  m_cycles = std::move(cycles);
  m_done = std::move(done);
  m_trace_cursor = std::move(cursor);
}

}  // namespace kelvin
