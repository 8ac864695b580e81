#pragma once
/// Workloads: what each GPU is asked to do over time, as a cycle of phases, and the tokens it
/// produces at the clock the governor gives it. A phase is either clock-bound work (its nominal
/// duration at max clock stretches by 1/g(f), g = relative_throughput) or fixed time
/// (communication, checkpoint pauses, trace samples). In a synchronous workload (data-parallel
/// training) every phase ends for all GPUs together when the slowest GPU has finished its work;
/// a GPU that is done waits at wait_activity and produces nothing. Host-only; all GPUs of a case
/// advance together (arrays indexed by GPU).
#include <cstddef>
#include <string>
#include <vector>

namespace kelvin {

/// One phase of a workload cycle.
struct WorkloadPhase {
  std::string name;
  double activity = 1.0;               // dynamic-power activity 0..1
  double memory_bound_fraction = 0.2;  // of the phase's time at max clock
  double duration_s = 1.0;             // nominal (max clock) for work, else fixed
  bool clock_bound = true;             // work that stretches with the clock
  double tokens_per_s = 0;             // per GPU at max clock while in the phase
};

/// A recorded per-GPU trace (long format, as DCGM exports: one row per sample per GPU). The
/// sample's activity and phase hold until the GPU's next sample; the phase name picks
/// memory_bound_fraction and tokens_per_s from trace_phases.
struct TraceSample {
  double time_s = 0;
  int gpu = 0;
  double activity = 0;
  std::string phase;
};

/// A workload as given in a case, resolved to phases.
struct WorkloadSpec {
  enum class Kind { Constant, Training, Inference, Trace };
  Kind kind = Kind::Constant;
  std::vector<WorkloadPhase> cycle;  // repeating phases (Constant: one phase, forever)
  bool synchronous = false;          // Training
  int checkpoint_every = 0;          // Training: a checkpoint phase after every N cycles (0: never)
  WorkloadPhase checkpoint_phase;    // fixed time, near idle
  double wait_activity = 0.1;        // a GPU waiting for the others (synchronous)
  std::vector<TraceSample> trace;    // Trace: sorted by time, then gpu
  std::vector<WorkloadPhase> trace_phases;  // Trace: phase definitions by name
};

/// Training: a cycle of compute (clock-bound work of iteration_s * compute_fraction at
/// compute_activity, memory-bound fraction 0.15, tokens_per_s / compute_fraction so that the
/// cycle averages tokens_per_s) and communication (fixed time, comm_activity, no tokens);
/// synchronous; a checkpoint pause of checkpoint_s (fixed, activity 0.05) after every
/// checkpoint_every iterations (0: none).
WorkloadSpec make_training_workload(double tokens_per_s, double iteration_s,
                                    double compute_fraction, double compute_activity,
                                    double comm_activity, int checkpoint_every,
                                    double checkpoint_s);
/// Inference: a cycle of prefill (clock-bound, prefill_activity, memory-bound 0.2,
/// prefill_tokens_per_s, nominal duration cycle_s * prefill_fraction) and decode (clock-bound,
/// decode_activity, memory-bound 0.95, decode_tokens_per_s); not synchronous.
WorkloadSpec make_inference_workload(double prefill_tokens_per_s, double decode_tokens_per_s,
                                     double prefill_fraction, double cycle_s,
                                     double prefill_activity, double decode_activity);
/// Constant load: one clock-bound phase forever.
WorkloadSpec make_constant_workload(double activity, double memory_bound_fraction,
                                    double tokens_per_s);

/// The phases a trace may name: the training phases (compute, communication), the inference
/// phases (prefill, decode) and idle, as make_training_workload and make_inference_workload
/// define them; compute and prefill/decode produce the given tokens per second at max clock.
std::vector<WorkloadPhase> trace_phases(double compute_tokens_per_s, double prefill_tokens_per_s,
                                        double decode_tokens_per_s);
/// The names of trace_phases(), in that order.
std::vector<std::string> trace_phase_names();

/// What read_trace_csv() checks beyond the file's own form.
struct TraceLimits {
  int gpus = 0;                     ///< samples must be for GPUs 0 .. gpus-1; 0: any
  std::vector<std::string> phases;  ///< the phase names a sample may use; empty: any
};

/// Reads a trace CSV with header columns time_s, gpu, activity, phase (any order; extra
/// columns ignored): at least one sample, every value a number, gpu a whole number within
/// limits.gpus, activity (a utilisation) in [0, 1], the phase one of limits.phases, and each
/// GPU's samples in time order. Throws std::runtime_error "FILE:LINE: ..." at the first problem
/// (FILE as path is given).
std::vector<TraceSample> read_trace_csv(const std::string& path, const TraceLimits& limits = {});

/// Advances the workload of every GPU of a case. The state is a handful of numbers per GPU,
/// exported and restored exactly for checkpoints.
class WorkloadRunner {
 public:
  WorkloadRunner(const WorkloadSpec& spec, int gpus);

  /// The phase GPU gpu is in now, with the activity it runs at (wait_activity when it waits).
  double activity(int gpu) const;
  const std::string& phase_name(int gpu) const;

  /// Advances every GPU by dt seconds at the clock ratios f/f_max (held over the interval;
  /// 0 for a shut-down GPU, which then makes no progress). Phase changes inside the interval
  /// are resolved exactly. Out (resized to the GPU count): per GPU the time-averaged activity
  /// over the interval and the tokens produced in it.
  void advance(double dt, const std::vector<double>& clock_ratio,
               std::vector<double>& mean_activity, std::vector<double>& tokens);

  /// Completed cycles (training iterations) of the job (synchronous) or of GPU 0.
  long long cycles() const;
  double time() const { return m_time; }

  /// Exact state for checkpoints, and its restoration into a runner built from the same spec.
  std::vector<double> save() const;
  void restore(const std::vector<double>& state);

 private:
  WorkloadSpec m_spec;
  int m_gpus = 0;
  double m_time = 0;
  // Per GPU: index into the phase sequence, cycles completed, work done in the phase (nominal
  // seconds, or elapsed seconds for fixed phases), trace cursor.
  std::vector<long long> m_phase, m_cycles;
  std::vector<double> m_done;
  std::vector<long long> m_trace_cursor;
  // Trace: per GPU the indices of its samples in m_spec.trace (time order), and per sample the
  // index of its phase in m_spec.trace_phases. Derived from the spec, not saved.
  std::vector<std::vector<std::size_t>> m_trace_samples;
  std::vector<std::size_t> m_trace_phase_index;

  std::size_t check_gpu(int gpu) const;
  const WorkloadPhase& phase_at(long long index) const;  // cycle index, or the checkpoint
  void next_phase(std::size_t gpu);
  bool waiting(std::size_t gpu) const;
  const WorkloadPhase* trace_phase(std::size_t gpu) const;  // nullptr before the first sample
  void advance_trace_cursor(std::size_t gpu, double t);
  [[noreturn]] void too_many_events(double dt) const;
  void advance_independent(std::size_t gpu, double dt, double clock_ratio,
                           double& activity_integral, double& tokens);
  void advance_synchronous(double dt, const std::vector<double>& clock_ratio,
                           std::vector<double>& activity_integral, std::vector<double>& tokens);
  void advance_trace(double dt, const std::vector<double>& clock_ratio,
                     std::vector<double>& activity_integral, std::vector<double>& tokens);
};

}  // namespace kelvin
