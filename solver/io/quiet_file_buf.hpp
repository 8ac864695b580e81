#pragma once
/// An output stream buffer on a new file that keeps write errors to itself: the writer on top
/// never sees a failed stream, and the owner asks error() (or close()) when the writer is done.
/// VTK 9.1's XML writer leaks its compression header when its stream fails mid-file, so Kelvin
/// streams VTK files through this buffer and, on an error, builds the file in memory for the
/// exact OutputError instead (solver/io/vtk.cpp). Seeks within what was written work (VTK
/// rewinds to fill in offsets); after an error, output is dropped but positions still advance.
/// A flush (sync) writes nothing: bytes go out when the 1 MiB buffer fills, on a seek and on
/// close().
#include <sys/types.h>

#include <streambuf>
#include <string>
#include <vector>

namespace kelvin {

class QuietFileBuf : public std::streambuf {
 public:
  /// Creates or truncates path for writing; error() holds open's errno when that fails.
  explicit QuietFileBuf(const std::string& path);
  ~QuietFileBuf() override;
  QuietFileBuf(const QuietFileBuf&) = delete;
  QuietFileBuf& operator=(const QuietFileBuf&) = delete;

  /// Writes what is buffered and closes the file (no fsync: commit_temporary syncs); returns 0
  /// or the first errno of open, write or close.
  int close();
  /// The first errno met so far, 0 when none.
  int error() const { return m_error; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;
  pos_type seekoff(off_type off, std::ios_base::seekdir dir,
                   std::ios_base::openmode which) override;
  pos_type seekpos(pos_type pos, std::ios_base::openmode which) override;

 private:
  /// Writes n bytes at file offset `at` unless an error came first (keeping the first errno).
  void write_at(const char* data, std::size_t n, off_t at);
  /// Writes the put area at m_base and empties it, m_base following.
  void flush_buffer();

  int m_fd = -1;
  int m_error = 0;
  off_t m_base = 0;  // file offset of the put area's start
  std::vector<char> m_buffer;
};

}  // namespace kelvin
