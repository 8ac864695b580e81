#pragma once
/// Runs a case with a loop: section: a rack of GPUs on reduced plates (fitted from the case's own
/// 3-D plate, plate_fit.hpp) on their coolant loop and CDU. Steady: every GPU's operating point
/// with the loop at the CDU's setpoints (rack_steady.hpp). Transient: from that steady state, the
/// GPU control loop (governor, workload, tokens; gpu_stepper.hpp) and the loop transient (pump
/// rotors, hydraulics, plug-flow heat, CDU controls, events) advance together every control
/// interval (rack_thermal.hpp). Writes summary.json (gpus, loop, reduced_plate, events),
/// timeseries.csv and results.h5 (transients), and rack.vtm.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "solver/app/run_control.hpp"
#include "solver/case/case.hpp"
#include "solver/coupling/plate_fit.hpp"

namespace kelvin {

/// A transient rack run's time series: timeseries.csv's header and rows.
struct RackSeries {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};

/// Runs c; a transient's time series also into *series when given. steady_fit: the steady part
/// of c's plate fit when the caller has it (a facility run's), not run again.
nlohmann::json run_rack_case(const Case& c, const RunOptions& options, RackSeries* series = nullptr,
                             const PlateFit* steady_fit = nullptr);

/// The terminal report of a rack run's summary.
std::string format_rack_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
