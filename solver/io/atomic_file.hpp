#pragma once
/// Crash-safe file replacement: content goes to a temporary file next to the target, is
/// flushed to disk and only then renamed over the target, so a run killed mid-write (or a disk
/// that fills up) leaves either the old file or the complete new one, never a truncated file
/// that looks complete.
#include <cstddef>
#include <string>

namespace kelvin {

/// Writes size bytes at data to path atomically: temporary file in the same directory, fsync,
/// rename. Replaces an existing file. Throws OutputError (solver/io/output_error.hpp) naming
/// path and the system error, with the bytes needed and free when the disk is full; the
/// temporary file is removed first, and an earlier file at path is left untouched.
void write_file_atomic(const std::string& path, const void* data, std::size_t size);

/// As above for the bytes of content (written as they are).
void write_file_atomic(const std::string& path, const std::string& content);

/// The temporary path write_file_atomic uses for path (`path + ".tmp-<pid>"`): in the same
/// directory, so the final rename never crosses file systems.
std::string temporary_path_for(const std::string& path);

/// Flushes a finished temporary file to disk and renames it to final_path (replacing an
/// existing file). Throws OutputError naming final_path on failure; the temporary file is
/// removed then, so a failed commit leaves no stray files.
void commit_temporary(const std::string& temporary_path, const std::string& final_path);

/// Removes a temporary file left by a failed write; a missing file is not an error. Never
/// throws, so it is safe in destructors and catch blocks.
void remove_temporary(const std::string& temporary_path) noexcept;

}  // namespace kelvin
