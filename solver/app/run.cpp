// Chooses the driver a case needs. See run.hpp.
#include "solver/app/run.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "kernels/backend.hpp"
#include "solver/app/facility_run.hpp"
#include "solver/app/gpu_run.hpp"
#include "solver/app/rack_run.hpp"
#include "solver/app/thermal_run.hpp"
#include "solver/coupling/run_size.hpp"
#include "solver/io/output_dir.hpp"
#include "solver/io/output_error.hpp"
#include "solver/io/output_lock.hpp"
#include "solver/parallel/ranks.hpp"

namespace kelvin {
namespace {

/// Makes options.output_dir this run's: created, locked for the run, and holding no file of an
/// earlier run (refused without --overwrite; a resumed run keeps them and loses temporaries).
/// All of it before any solving: a folder that cannot take files is refused (exit 2) now, not
/// after a long solve.
OutputLock take_output_folder(const RunOptions& o) {
  make_output_folder(o.output_dir);
  OutputLock lock = [&] {
    try {
      return OutputLock(o.output_dir);
    } catch (const OutputError& e) {  // the first file the run writes: the folder takes none
      if (e.is_out_of_space()) throw;
      throw UnusableOutputFolder(std::string(e.what()) + "; choose another folder with -o");
    }
  }();
  if (!lock.notice().empty()) fmt::print(stderr, "kelvin: {}\n", lock.notice());
  if (o.resume) {
    remove_kelvin_outputs(o.output_dir, OutputFiles::Temporaries);
    return lock;
  }
  if (!o.overwrite) refuse_stale_outputs(o.output_dir);
  const auto removed = remove_kelvin_outputs(o.output_dir);
  if (!removed.empty() && !o.quiet)
    fmt::print(stderr, "kelvin: removed {} files of an earlier run from {}: {}\n", removed.size(),
               o.output_dir, list_for_message(removed));
  return lock;
}

/// --resume with no checkpoint yet (a steady case, which writes none, or a transient stopped
/// before its first): start from the beginning, replacing what the earlier try left, and say
/// so. A job that a batch system requeues with --resume must not fail for being early.
RunOptions start_over_without_checkpoint(RunOptions o) {
  namespace fs = std::filesystem;
  if (!o.resume || fs::exists(fs::path(o.output_dir) / "checkpoint.h5")) return o;
  if (Ranks::world().root())
    fmt::print(stderr, "kelvin: --resume: no checkpoint in {} yet; starting from the beginning\n",
               o.output_dir);
  o.resume = false;
  o.overwrite = true;
  return o;
}

}  // namespace

nlohmann::json run_case(const Case& c, const RunOptions& requested) {
  const Ranks& ranks = Ranks::world();
  // Over several ranks, a case of many plates (a rack, a facility's plate fit) gives each rank
  // whole plates; any other case is one rank's, and the others have nothing to do.
  if (ranks.size() > 1 && !c.loop) {
    if (!ranks.root()) return nlohmann::json::object();
    fmt::print(stderr, "kelvin: this case has no plates to spread over the {} ranks (only rack "
                       "and facility cases do); rank 0 runs it alone\n", ranks.size());
  }
  const RunOptions options = start_over_without_checkpoint(requested);
  check_run_fits(c, backend_memory_available());  // before any per-cell array exists
  // the root alone writes the outputs: the other ranks only solve their plates
  std::optional<OutputLock> lock;
  if (ranks.root()) lock.emplace(take_output_folder(options));
  if (c.facility) return run_facility_case(c, options);
  if (c.loop) return run_rack_case(c, options);
  return c.gpus ? run_gpu_case(c, options) : run_thermal_case(c, options);
}

std::string format_report(const nlohmann::json& summary, const std::string& output_dir) {
  if (summary.contains("facility")) return format_facility_report(summary, output_dir);
  if (summary.contains("loop")) return format_rack_report(summary, output_dir);
  return summary.contains("gpus") ? format_gpu_report(summary, output_dir)
                                  : format_thermal_report(summary, output_dir);
}

}  // namespace kelvin
