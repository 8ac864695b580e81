#pragma once
/// One run per output folder: an advisory lock on FOLDER/.kelvin.lock, held for as long as a
/// run writes there, so a second run into the same folder stops at once instead of
/// interleaving its files with the first one's.
#include <string>

#include "solver/base/errors.hpp"

namespace kelvin {

/// The output folder is locked by a live process. A SetupError, so `kelvin run` exits 2.
/// what(): "output folder 'out' is in use by PID 4242 on node7 since 2026-12-04 05:36:56
/// +0000 (lock file out/.kelvin.lock)".
struct OutputLocked : SetupError {
  using SetupError::SetupError;
};

/// Holds the lock of one output folder: FOLDER/.kelvin.lock, which holds the holder's PID,
/// host name and start time, and on which the holder keeps flock(LOCK_EX). The kernel drops
/// that lock when the holder dies however it dies (kill -9, a crash, a reboot), so a
/// lock file left behind is recognised as stale (present but not locked) and taken over.
/// The file is removed when the OutputLock is destroyed. Move-only. Not a protection against
/// processes that ignore the lock: it keeps Kelvin runs apart.
class OutputLock {
 public:
  /// Locks folder, which must exist. Throws OutputLocked naming the holder when a live
  /// process (this one included) holds it, and OutputError (solver/io/output_error.hpp) when
  /// the lock file cannot be created or written (read-only folder, full disk); a lock file that
  /// cannot be written is removed again.
  explicit OutputLock(const std::string& folder);
  /// Removes the lock file and releases the lock. Never throws.
  ~OutputLock();
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  /// Empty, or one line for the user: when a stale lock was taken over, "took over a stale
  /// lock of PID 4242 on node7 since 2026-12-04 05:36:56 +0000; that run did not finish"; on a
  /// file system without locks (some network mounts), that the folder is not protected (the
  /// run goes on: refusing to run there at all would be worse).
  const std::string& notice() const { return m_notice; }
  /// FOLDER/.kelvin.lock.
  const std::string& path() const { return m_path; }

 private:
  void release() noexcept;

  std::string m_path;
  std::string m_notice;
  int m_fd = -1;  ///< The open, flock-ed lock file; -1 when released or moved from.
};

/// The lock file's name inside an output folder.
inline constexpr const char* kOutputLockName = ".kelvin.lock";

}  // namespace kelvin
