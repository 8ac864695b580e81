#pragma once
/// Byte counts for people, shared by every message that names a size (memory estimates, disk
/// space).
#include <cstdint>
#include <string>

namespace kelvin {

/// "512 bytes", "85.1 KiB", "3.20 MiB", "1.50 GiB" (3 significant digits, binary units up to
/// PiB).
std::string format_bytes(std::uint64_t bytes);

}  // namespace kelvin
