#pragma once
/// Progress reporting: on a terminal one line rewritten in place (iteration, residual,
/// simulated time, ETA); off a terminal, plain log lines at most every few seconds.
#include <chrono>
#include <cstdio>
#include <string>

#include "solver/base/progress_sink.hpp"

namespace kelvin {

/// Writes progress to a stream (stderr by default). Not thread-safe; host only.
class Progress final : public ProgressSink {
 public:
  /// quiet: print nothing. The terminal check is done once, on the stream given.
  explicit Progress(bool quiet, std::FILE* stream = stderr);
  ~Progress();
  /// Updates the progress line; `fraction` in [0, 1] (negative: unknown) drives the ETA.
  void update(const std::string& message, double fraction = -1) override;
  /// A permanent log line (ends any in-place line first).
  void log(const std::string& message) override;
  /// Ends the in-place line, if any.
  void finish() override;
  bool is_terminal() const { return m_tty; }

 private:
  std::FILE* m_out;
  bool m_quiet, m_tty;
  bool m_line_open = false;
  std::chrono::steady_clock::time_point m_start, m_last;
};

}  // namespace kelvin
