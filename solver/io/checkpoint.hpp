#pragma once
/// Pieces of OUTDIR/checkpoint.h5 shared by every transient runner: the resolved case it
/// belongs to, integrator states, tables of rows. Written through H5Writer (atomic: a killed
/// run leaves the previous checkpoint intact).
#include <string>
#include <vector>

#include "solver/io/hdf5.hpp"
#include "solver/numerics/transient.hpp"

namespace kelvin {

/// Refuses a missing checkpoint or one written for another resolved case (SetupError).
void check_checkpoint(const std::string& path, const std::string& resolved_case);

/// An integrator's state under group ("gpus/0/"): scalars, now, old, older.
void write_integrator_state(H5Writer& h5, const std::string& group,
                            const TransientIntegrator::State& s);
TransientIntegrator::State read_integrator_state(const std::string& path, const std::string& group);

/// Rows of equal length as one flat vector (empty rows: an empty vector).
void write_rows(H5Writer& h5, const std::string& dataset,
                const std::vector<std::vector<double>>& rows);
std::vector<std::vector<double>> read_rows(const std::string& path, const std::string& dataset,
                                           std::size_t columns);

}  // namespace kelvin
