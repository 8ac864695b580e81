#include "solver/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "solver/io/output_error.hpp"

namespace kelvin {
namespace {

/// Makes the rename durable. Best effort: some file systems refuse fsync on directories,
/// and by then the data itself is already safe on disk.
void sync_directory_of(const std::string& path) noexcept {
  const int fd = ::open(parent_directory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// Writes every byte, retrying short writes and EINTR; returns 0 or the errno of the failure.
int write_all(int fd, const char* data, std::size_t size) noexcept {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return 0;
}

/// Writes, flushes and closes fd (always closed); returns 0 or the first errno. Without fsync
/// before rename, a power loss can leave the new name pointing at an empty file; close() can
/// report deferred write errors (NFS, quota), so it is checked too.
int fill_and_close(int fd, const char* data, std::size_t size) noexcept {
  int err = write_all(fd, data, size);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  return err;
}

/// Renames temporary over path (removing temporary on failure) and syncs the folder.
void rename_into_place(const std::string& temporary, const std::string& path) {
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int err = errno;
    remove_temporary(temporary);
    throw OutputError("cannot rename '" + temporary + "' to", path, err);
  }
  sync_directory_of(path);
}

}  // namespace

std::string temporary_path_for(const std::string& path) {
  return path + ".tmp-" + std::to_string(static_cast<long long>(::getpid()));
}

void remove_temporary(const std::string& temporary_path) noexcept {
  ::unlink(temporary_path.c_str());
}

void write_file_atomic(const std::string& path, const void* data, std::size_t size) {
  const std::string tmp = temporary_path_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw OutputError("cannot write", path, errno, size);
  if (const int err = fill_and_close(fd, static_cast<const char*>(data), size); err != 0) {
    remove_temporary(tmp);  // before OutputError measures the free space
    throw OutputError("cannot write", path, err, size);
  }
  rename_into_place(tmp, path);
}

void write_file_atomic(const std::string& path, const std::string& content) {
  write_file_atomic(path, content.data(), content.size());
}

void commit_temporary(const std::string& temporary_path, const std::string& final_path) {
  const int fd = ::open(temporary_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    remove_temporary(temporary_path);
    throw OutputError("cannot write", final_path, err);
  }
  if (const int err = fill_and_close(fd, nullptr, 0); err != 0) {
    remove_temporary(temporary_path);
    throw OutputError("cannot write", final_path, err);
  }
  rename_into_place(temporary_path, final_path);
}

}  // namespace kelvin
