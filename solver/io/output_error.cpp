#include "solver/io/output_error.hpp"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace kelvin {
namespace {

bool out_of_space(int error_number) { return error_number == ENOSPC || error_number == EDQUOT; }

/// " (needs 85.1 KiB, 20.0 KiB free in 'out')" for a full disk; empty otherwise.
std::string space_note(const std::string& path, int error_number, std::uint64_t bytes_needed) {
  if (!out_of_space(error_number)) return "";
  const std::string folder = parent_directory(path);
  const auto free = free_bytes_for(path);
  std::string note = " (";
  if (bytes_needed > 0) note += "needs " + format_bytes(bytes_needed) + ", ";
  note += free ? format_bytes(*free) + " free" : std::string("free space unknown");
  return note + " in '" + folder + "')";
}

std::string message(const std::string& action, const std::string& path, int error_number,
                    std::uint64_t bytes_needed) {
  return fmt::format("{} '{}': {}{}", action, path, std::strerror(error_number),
                     space_note(path, error_number, bytes_needed));
}

}  // namespace

OutputError::OutputError(const std::string& action, const std::string& path, int error_number,
                         std::uint64_t bytes_needed)
    : std::runtime_error(message(action, path, error_number, bytes_needed)),
      m_path(path),
      m_error_number(error_number) {}

bool OutputError::is_out_of_space() const noexcept { return out_of_space(m_error_number); }

std::optional<std::uint64_t> free_bytes_for(const std::string& path) {
  struct statvfs info {};
  if (::statvfs(parent_directory(path).c_str(), &info) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
}


std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace kelvin
