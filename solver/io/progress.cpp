// Terminal progress line and plain log lines.
#include "solver/io/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace kelvin {

Progress::Progress(bool quiet, std::FILE* stream)
    : m_out(stream), m_quiet(quiet), m_tty(isatty(fileno(stream)) != 0),
      m_start(std::chrono::steady_clock::now()), m_last(m_start - std::chrono::hours(1)) {}

Progress::~Progress() { finish(); }

void Progress::update(const std::string& message, double fraction) {
  if (m_quiet) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_last = std::chrono::duration<double>(now - m_last).count();
  // A terminal redraws at most 10 times a second; logs get a line every 5 s at most.
  if (since_last < (m_tty ? 0.1 : 5.0)) return;
  m_last = now;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  std::string eta;
  if (fraction > 0 && fraction < 1) eta = fmt::format("  ETA {:.0f} s", elapsed * (1 - fraction) / fraction);
  if (m_tty) {
    fmt::print(m_out, "\r\033[K{}{}", message, eta);
    m_line_open = true;
  } else {
    fmt::print(m_out, "[{:8.1f} s] {}{}\n", elapsed, message, eta);
  }
  std::fflush(m_out);
}

void Progress::log(const std::string& message) {
  if (m_quiet) return;
  finish();
  fmt::print(m_out, "{}\n", message);
  std::fflush(m_out);
}

void Progress::finish() {
  if (m_line_open) {
    fmt::print(m_out, "\n");
    std::fflush(m_out);
    m_line_open = false;
  }
}

}  // namespace kelvin
