#pragma once
/// Gathering a sweep's results: one row per point with its parameters (text and SI) and every
/// number of its summary.json, as OUT/sweep.csv and OUT/sweep.h5.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "solver/sweep/sweep_folder.hpp"

namespace kelvin {

/// Every numeric leaf of j (booleans and strings left out) with dotted names: objects by
/// key ("pressure_drop_Pa", "gpus.total_W"), arrays by index ("probes[2].temperature_K").
std::vector<std::pair<std::string, double>> flatten_numbers(const nlohmann::json& j);

/// The gathered table.
struct SweepTable {
  std::vector<std::string> parameters;  ///< key paths
  std::vector<std::string> si_units;    ///< per parameter: SI unit of its values ("" if none)
  std::vector<std::string> outputs;     ///< summary.json leaf names, first seen first
  struct Row {
    std::string id;
    int index = 0;
    std::string status;             ///< done, failed, pending, running
    std::vector<std::string> text;  ///< per parameter, as written
    std::vector<double> si;         ///< per parameter, NaN when not a quantity
    std::vector<double> values;     ///< per output, NaN where the point has none
  };
  std::vector<Row> rows;
};

/// The table of the sweep folder OUT (read from OUT/sweep.json and each point's folder).
SweepTable gather_table(const std::string& out);

/// Writes OUT/sweep.csv and OUT/sweep.h5 (README "Parametric sweeps" lists their columns) and
/// returns the table. Throws std::runtime_error (sweep.json missing) or OutputError.
SweepTable gather_sweep(const std::string& out);

}  // namespace kelvin
