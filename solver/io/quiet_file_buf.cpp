#include "solver/io/quiet_file_buf.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kelvin {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
}  // namespace

QuietFileBuf::QuietFileBuf(const std::string& path) : m_buffer(kBufferBytes) {
  m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (m_fd < 0) m_error = errno;
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
}

QuietFileBuf::~QuietFileBuf() {
  if (m_fd >= 0) ::close(m_fd);
}

void QuietFileBuf::write_at(const char* data, std::size_t n, off_t at) {
  while (n > 0 && m_error == 0) {
    const ssize_t written = ::pwrite(m_fd, data, n, at);
    if (written < 0) {
      if (errno != EINTR) m_error = errno;
      continue;
    }
    if (written == 0) {  // no progress on a regular file: never loop on it
      m_error = EIO;
      break;
    }
    data += written;
    n -= static_cast<std::size_t>(written);
    at += written;
  }
}

void QuietFileBuf::flush_buffer() {
  const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
  write_at(pbase(), n, m_base);
  m_base += static_cast<off_t>(n);
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
}

QuietFileBuf::int_type QuietFileBuf::overflow(int_type c) {
  flush_buffer();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

std::streamsize QuietFileBuf::xsputn(const char* s, std::streamsize n) {
  const auto count = static_cast<std::size_t>(n);
  if (count > static_cast<std::size_t>(epptr() - pptr())) {
    flush_buffer();
    if (count >= m_buffer.size()) {  // large blocks go straight to the file
      write_at(s, count, m_base);
      m_base += static_cast<off_t>(count);
      return n;
    }
  }
  std::memcpy(pptr(), s, count);
  pbump(static_cast<int>(count));
  return n;
}

int QuietFileBuf::sync() {
  // Writers flush to learn of write errors early (VTK after every piece), and this buffer keeps
  // those to itself: the bytes wait for a full buffer, a seek or close().
  return 0;
}

QuietFileBuf::pos_type QuietFileBuf::seekoff(off_type off, std::ios_base::seekdir dir,
                                             std::ios_base::openmode which) {
  const off_t here = m_base + static_cast<off_t>(pptr() - pbase());
  if (!(which & std::ios_base::out) || dir == std::ios_base::end) return pos_type(off_type(-1));
  const off_t target = dir == std::ios_base::beg ? static_cast<off_t>(off) : here + off;
  if (target < 0) return pos_type(off_type(-1));
  if (target == here) return pos_type(target);  // tellp: nothing to move
  flush_buffer();
  m_base = target;
  return pos_type(target);
}

QuietFileBuf::pos_type QuietFileBuf::seekpos(pos_type pos, std::ios_base::openmode which) {
  return seekoff(off_type(pos), std::ios_base::beg, which);
}

int QuietFileBuf::close() {
  if (m_fd < 0) return m_error;
  flush_buffer();
  if (::close(m_fd) != 0 && m_error == 0) m_error = errno;
  m_fd = -1;
  return m_error;
}

}  // namespace kelvin
