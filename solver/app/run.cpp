// Chooses the driver a case needs. See run.hpp.
#include "solver/app/run.hpp"

#include "solver/app/gpu_run.hpp"
#include "solver/app/thermal_run.hpp"
#include "solver/coupling/run_size.hpp"
#include "kernels/backend.hpp"

namespace kelvin {

nlohmann::json run_case(const Case& c, const RunOptions& options) {
  check_run_fits(c, backend_memory_available());  // before any per-cell array exists
  return c.gpus ? run_gpu_case(c, options) : run_thermal_case(c, options);
}

std::string format_report(const nlohmann::json& summary, const std::string& output_dir) {
  return summary.contains("gpus") ? format_gpu_report(summary, output_dir)
                                  : format_thermal_report(summary, output_dir);
}

}  // namespace kelvin
