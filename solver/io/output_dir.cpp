#include "solver/io/output_dir.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

#include "solver/io/output_error.hpp"

namespace kelvin {
namespace {

namespace fs = std::filesystem;

const std::set<std::string>& fixed_names() {
  static const std::set<std::string> names = {
      "solution.vtr", "solution.pvd",   "gpus.vtm",      "results.h5",
      "summary.json", "timeseries.csv", "checkpoint.h5", "case.resolved.yaml"};
  return names;
}

bool all_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return c >= '0' && c <= '9'; });
}

/// Whether name is prefix + digits + suffix.
bool numbered(const std::string& name, const std::string& prefix, const std::string& suffix) {
  if (name.size() <= prefix.size() + suffix.size()) return false;
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  return all_digits(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
}

/// For "results.h5.tmp-123": "results.h5"; for any other name: empty.
std::string temporary_target(const std::string& name) {
  const auto mark = name.rfind(".tmp-");
  if (mark == std::string::npos || !all_digits(name.substr(mark + 5))) return "";
  return name.substr(0, mark);
}

/// The plain .vtr names that gpus.vtm lists in its file="..." attributes.
std::set<std::string> listed_by_vtm(const fs::path& vtm) {
  std::ifstream in(vtm);
  std::stringstream text;
  text << in.rdbuf();
  const std::string xml = text.str();
  static const std::regex file_attribute("file=\"([^\"/]+\\.vtr)\"");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), file_attribute);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

bool wanted(const std::string& name, const std::set<std::string>& gpu_fields, OutputFiles which) {
  const std::string target = temporary_target(name);
  const bool temporary = !target.empty();
  if (temporary ? which == OutputFiles::Complete : which == OutputFiles::Temporaries) return false;
  const std::string& base = temporary ? target : name;
  return is_kelvin_output_name(base) || gpu_fields.count(base) > 0;
}

}  // namespace

void make_output_folder(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (!error && !fs::is_directory(folder, error))
    error = std::make_error_code(std::errc::not_a_directory);
  const char* action = "cannot create the output folder";
  // access() asks the kernel with this process's credentials (read-only mounts included), so a
  // folder that exists but takes no files is refused now, not after the solve.
  if (!error && ::access(folder.c_str(), W_OK | X_OK) != 0) {
    error = std::error_code(errno, std::generic_category());
    action = "cannot write into the output folder";
  }
  if (!error) return;
  const OutputError e(action, folder, error.value());
  if (e.is_out_of_space()) throw e;
  throw UnusableOutputFolder(std::string(e.what()) + "; choose another folder with -o");
}

bool is_kelvin_output_name(const std::string& name) {
  if (fixed_names().count(name) > 0) return true;
  if (numbered(name, "solution_", ".vtr") || numbered(name, "gpu", ".vtr")) return true;
  const std::string target = temporary_target(name);
  return !target.empty() && is_kelvin_output_name(target);
}

std::vector<std::string> kelvin_outputs_in(const std::string& folder, OutputFiles which) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) return {};
  const fs::path vtm = fs::path(folder) / "gpus.vtm";
  const std::set<std::string> gpu_fields = fs::is_regular_file(fs::symlink_status(vtm, error))
                                               ? listed_by_vtm(vtm)
                                               : std::set<std::string>{};
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    // symlink_status: a link is never Kelvin's, even when it points at a file.
    if (!fs::is_regular_file(entry.symlink_status(error))) continue;
    const std::string name = entry.path().filename().string();
    if (wanted(name, gpu_fields, which)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void refuse_stale_outputs(const std::string& folder) {
  const auto names = kelvin_outputs_in(folder, OutputFiles::Complete);
  if (names.empty()) return;
  throw StaleOutputs("output folder '" + folder + "' holds files of an earlier run (" +
                     list_for_message(names) +
                     "); run with --overwrite to replace them, or choose another folder");
}

std::vector<std::string> remove_kelvin_outputs(const std::string& folder, OutputFiles which) {
  const auto names = kelvin_outputs_in(folder, which);
  for (const std::string& name : names) {
    const fs::path path = fs::path(folder) / name;
    std::error_code error;
    fs::remove(path, error);
    if (error) throw OutputError("cannot remove", path.string(), error.value());
  }
  return names;
}

std::string list_for_message(const std::vector<std::string>& names, std::size_t shown) {
  std::string text;
  const std::size_t listed = std::min(names.size(), std::max<std::size_t>(shown, 1));
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) text += (i + 1 == names.size()) ? " and " : ", ";
    text += names[i];
  }
  if (listed < names.size()) text += " and " + std::to_string(names.size() - listed) + " more";
  return text;
}

}  // namespace kelvin
