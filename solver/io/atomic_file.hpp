#pragma once
/// Crash-safe file replacement: content goes to a temporary file next to the target, is
/// flushed to disk and only then renamed over the target, so a run killed mid-write leaves
/// either the old file or the complete new one, never a truncated file that looks complete.
#include <string>

namespace kelvin {

/// Writes content (bytes, written as they are) to path atomically: temporary file in the same
/// directory, fsync, rename. Replaces an existing file. Throws std::runtime_error naming the
/// path and the system error; the temporary file is removed on failure.
void write_file_atomic(const std::string& path, const std::string& content);

/// The temporary path write_file_atomic would use for path (`path + ".tmp-<pid>"`): in the
/// same directory, so the final rename never crosses file systems. For libraries that write
/// files themselves (VTK, HDF5): write there, then call commit_temporary().
std::string temporary_path_for(const std::string& path);

/// Flushes the finished temporary file to disk and renames it to final_path (replacing an
/// existing file). Throws std::runtime_error naming both paths on failure; the temporary file
/// is removed then, so a failed commit leaves no stray files.
void commit_temporary(const std::string& temporary_path, const std::string& final_path);

/// Removes a temporary file left by a failed write; a missing file is not an error. Never
/// throws, so it is safe in destructors and catch blocks.
void remove_temporary(const std::string& temporary_path) noexcept;

}  // namespace kelvin
