#pragma once
/// Pieces of OUTDIR/checkpoint.h5 shared by every transient runner: the resolved case it
/// belongs to, integrator states, tables of rows. Written through checkpoint_writer(): atomic
/// (a killed run or a full disk leaves the previous checkpoint intact) and checksummed
/// (Fletcher-32 on every dataset), so a damaged checkpoint is refused instead of resumed from.
#include <string>
#include <vector>

#include "solver/base/errors.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/numerics/transient.hpp"

namespace kelvin {

/// A checkpoint whose bytes fail a checksum, or that carries none (written by an older
/// Kelvin). A SetupError, so `kelvin run --resume` exits 2; what() names the file and the
/// dataset and says what to do ("delete it or run without --resume").
struct DamagedCheckpoint : SetupError {
  using SetupError::SetupError;
};

/// A writer for the checkpoint at path: every dataset checksummed (H5Writer::Checksums::On).
/// Call close() to put it in place; nothing reaches path before.
H5Writer checkpoint_writer(const std::string& path);

/// Refuses a missing checkpoint (SetupError), a damaged one (DamagedCheckpoint: it reads the
/// whole file once, checking every checksum, and requires one on every dataset) and one
/// written for another resolved case (SetupError). Call it before any other reader below.
void check_checkpoint(const std::string& path, const std::string& resolved_case);

/// An integrator's state under group ("gpus/0/"): scalars, now, old, older.
void write_integrator_state(H5Writer& h5, const std::string& group,
                            const TransientIntegrator::State& s);
/// Reads what write_integrator_state wrote. Throws DamagedCheckpoint on a failed checksum.
TransientIntegrator::State read_integrator_state(const std::string& path, const std::string& group);

/// Rows of equal length as one flat vector (empty rows: an empty vector).
void write_rows(H5Writer& h5, const std::string& dataset,
                const std::vector<std::vector<double>>& rows);
/// Reads what write_rows wrote, as rows of columns values. Throws SetupError when the size
/// does not fit, DamagedCheckpoint on a failed checksum.
std::vector<std::vector<double>> read_rows(const std::string& path, const std::string& dataset,
                                           std::size_t columns);

/// h5_read_vector for a checkpoint: a failed checksum becomes DamagedCheckpoint.
std::vector<double> read_checkpoint_vector(const std::string& path, const std::string& dataset);

}  // namespace kelvin
