#include "solver/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace kelvin {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::string& path, int err) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(err));
}

/// Directory part of path ("." when it has none), for fsync-ing the rename itself.
std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

/// Makes the rename durable. Best effort: some file systems refuse fsync on directories,
/// and by then the data itself is already safe on disk.
void sync_directory_of(const std::string& path) noexcept {
  const int fd = ::open(parent_directory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open", path, errno);
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw_errno("cannot flush to disk", path, err);
  }
  ::close(fd);
}

}  // namespace

std::string temporary_path_for(const std::string& path) {
  return path + ".tmp-" + std::to_string(static_cast<long long>(::getpid()));
}

void remove_temporary(const std::string& temporary_path) noexcept {
  ::unlink(temporary_path.c_str());
}

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = temporary_path_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw_errno("cannot create", tmp, errno);

  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      remove_temporary(tmp);
      throw_errno("cannot write", path, err);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  // Without fsync before rename, a power loss can leave the new name pointing at an empty file.
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    remove_temporary(tmp);
    throw_errno("cannot flush to disk", path, err);
  }
  // close() can report deferred write errors (NFS, quota), so it is checked too.
  if (::close(fd) != 0) {
    const int err = errno;
    remove_temporary(tmp);
    throw_errno("cannot write", path, err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    remove_temporary(tmp);
    throw_errno("cannot rename '" + tmp + "' to", path, err);
  }
  sync_directory_of(path);
}

void commit_temporary(const std::string& temporary_path, const std::string& final_path) {
  try {
    fsync_path(temporary_path);
  } catch (...) {
    remove_temporary(temporary_path);
    throw;
  }
  if (std::rename(temporary_path.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    remove_temporary(temporary_path);
    throw_errno("cannot rename '" + temporary_path + "' to", final_path, err);
  }
  sync_directory_of(final_path);
}

}  // namespace kelvin
