#include "solver/io/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <sstream>
#include <utility>

#include "solver/io/output_error.hpp"

namespace kelvin {
namespace {

/// Who holds (or held) a lock, as written in the lock file; fields empty when unknown.
struct Holder {
  std::string pid;
  std::string host;
  std::string since;
};

Holder parse_holder(const std::string& text) {
  Holder holder;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "pid") holder.pid = value;
    if (key == "host") holder.host = value;
    if (key == "since") holder.since = value;
  }
  return holder;
}

/// "PID 4242 on node7 since 2026-12-04 05:36:56 +0000", or what is known of it.
std::string describe(const Holder& holder) {
  if (holder.pid.empty()) return "another process (it has not written its PID yet)";
  std::string text = "PID " + holder.pid;
  if (!holder.host.empty()) text += " on " + holder.host;
  if (!holder.since.empty()) text += " since " + holder.since;
  return text;
}

/// The first 4 KiB of the file behind fd (a lock file is a few lines).
std::string read_all(int fd) {
  char buffer[4096];
  const ssize_t n = ::pread(fd, buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown host";
  return name;
}

/// Local time with its UTC offset, "2026-12-04 05:36:56 +0000".
std::string now_text() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[64] = {};
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %z", &local);
  return text;
}

bool same_file(int fd, const std::string& path) {
  struct stat opened {
  }, named{};
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

/// Whether flock failed because the file system has no locks (some network and FUSE mounts).
bool locks_unsupported(int err) { return err == ENOLCK || err == EOPNOTSUPP || err == ENOSYS; }

/// The open lock file; locked false where the file system cannot lock.
struct LockedFile {
  int fd = -1;
  bool locked = false;
};

/// Opens path and takes flock(LOCK_EX) on it without waiting.
LockedFile open_locked(const std::string& folder, const std::string& path) {
  // A holder that finishes removes the file between our open() and flock(): we would then hold
  // a lock on a file nobody else sees, so the check is repeated on the file now at path.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError("cannot create the lock file", path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (locks_unsupported(err)) return LockedFile{fd, false};
      const std::string text = err == EWOULDBLOCK ? read_all(fd) : std::string();
      ::close(fd);
      if (err != EWOULDBLOCK) throw OutputError("cannot lock", path, err);
      throw OutputLocked("output folder '" + folder + "' is in use by " +
                         describe(parse_holder(text)) + " (lock file " + path +
                         "); wait for that run to finish or choose another output folder");
    }
    if (same_file(fd, path)) return LockedFile{fd, true};
    ::close(fd);
  }
  throw OutputLocked("output folder '" + folder + "': the lock file " + path +
                     " keeps being replaced by other processes");
}

/// Replaces the lock file's content with this process's PID, host and start time.
int write_holder(int fd) {
  const std::string text = "pid: " + std::to_string(static_cast<long long>(::getpid())) +
                           "\nhost: " + host_name() + "\nsince: " + now_text() + "\n";
  if (::ftruncate(fd, 0) != 0) return errno;
  const ssize_t written = ::pwrite(fd, text.data(), text.size(), 0);
  if (written < 0) return errno;
  if (static_cast<std::size_t>(written) != text.size()) return ENOSPC;
  return 0;
}

}  // namespace

OutputLock::OutputLock(const std::string& folder)
    : m_path((folder.empty() ? std::string(".") : folder) + "/" + kOutputLockName) {
  const LockedFile file = open_locked(folder, m_path);
  m_fd = file.fd;
  if (!file.locked) {
    m_notice = "the file system of '" + folder +
               "' cannot lock files: a second run into it would not be stopped";
  } else if (const std::string previous = read_all(m_fd); !previous.empty()) {
    // Locked and still there: whatever it holds was written by a process that has died.
    m_notice = "took over a stale lock of " + describe(parse_holder(previous)) +
               "; that run did not finish";
  }
  if (const int err = write_holder(m_fd); err != 0) {
    release();
    throw OutputError("cannot write", m_path, err);
  }
}

OutputLock::~OutputLock() { release(); }

OutputLock::OutputLock(OutputLock&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_notice(std::move(other.m_notice)),
      m_fd(std::exchange(other.m_fd, -1)) {}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    m_path = std::move(other.m_path);
    m_notice = std::move(other.m_notice);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

void OutputLock::release() noexcept {
  if (m_fd < 0) return;
  // Removed while still locked, so no other process can lock the old file and believe it
  // holds the folder (open_locked checks it locked the file that is at the path).
  ::unlink(m_path.c_str());
  ::close(std::exchange(m_fd, -1));
}

}  // namespace kelvin
