// Checkpoint pieces shared by the transient runners.
#include "solver/io/checkpoint.hpp"

#include <filesystem>

namespace kelvin {
namespace {

[[noreturn]] void throw_damaged(const std::string& path, const std::string& reason) {
  throw DamagedCheckpoint("--resume: " + path + " is damaged: " + reason +
                          "; delete it or run without --resume");
}

/// Runs read, turning a failed checksum into DamagedCheckpoint.
template <class Read>
auto guarded(const std::string& path, Read read) {
  try {
    return read();
  } catch (const DamagedFile& e) {
    const std::string kind = e.data_checksum() ? "Fletcher-32" : "metadata";
    throw_damaged(path, e.object() + " fails its " + kind + " checksum");
  }
}

}  // namespace

H5Writer checkpoint_writer(const std::string& path) {
  return H5Writer(path, H5Writer::Checksums::On);
}

void check_checkpoint(const std::string& path, const std::string& resolved_case) {
  if (!std::filesystem::exists(path))
    throw SetupError("--resume: no checkpoint at " + path + " (run without --resume first)");
  const auto unchecked = guarded(path, [&] { return h5_verify(path); });
  if (!unchecked.empty())
    throw_damaged(path, "dataset '" + unchecked.front() +
                            "' carries no checksum (written by an older Kelvin?)");
  if (h5_read_string(path, "case/resolved_yaml") != resolved_case)
    throw SetupError("--resume: " + path +
                     " belongs to a different case or other settings; "
                     "run without --resume to start afresh");
}

void write_integrator_state(H5Writer& h5, const std::string& group,
                            const TransientIntegrator::State& s) {
  h5.write_vector(group + "integrator", s.scalars);
  h5.write_vector(group + "now", s.now);
  h5.write_vector(group + "old", s.old);
  h5.write_vector(group + "older", s.older);
}

TransientIntegrator::State read_integrator_state(const std::string& path,
                                                 const std::string& group) {
  TransientIntegrator::State s;
  s.scalars = read_checkpoint_vector(path, group + "integrator");
  s.now = read_checkpoint_vector(path, group + "now");
  s.old = read_checkpoint_vector(path, group + "old");
  s.older = read_checkpoint_vector(path, group + "older");
  return s;
}

void write_rows(H5Writer& h5, const std::string& dataset,
                const std::vector<std::vector<double>>& rows) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  h5.write_vector(dataset, flat);
}

std::vector<std::vector<double>> read_rows(const std::string& path, const std::string& dataset,
                                           std::size_t columns) {
  const auto flat = read_checkpoint_vector(path, dataset);
  if (columns == 0 || flat.size() % columns != 0)
    throw SetupError("--resume: " + path + ": " + dataset + " does not hold rows of " +
                     std::to_string(columns) + " values");
  std::vector<std::vector<double>> rows;
  for (std::size_t k = 0; k < flat.size(); k += columns)
    rows.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(k),
                      flat.begin() + static_cast<std::ptrdiff_t>(k + columns));
  return rows;
}

std::vector<double> read_checkpoint_vector(const std::string& path, const std::string& dataset) {
  return guarded(path, [&] { return h5_read_vector(path, dataset); });
}

}  // namespace kelvin
