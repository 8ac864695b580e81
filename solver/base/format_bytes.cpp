// Byte counts for people. See format_bytes.hpp.
#include "solver/base/format_bytes.hpp"

#include <fmt/format.h>

namespace kelvin {

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  const int decimals = value < 10 ? 2 : (value < 100 ? 1 : 0);
  return fmt::format("{:.{}f} {}", value, decimals, units[unit]);
}

}  // namespace kelvin
