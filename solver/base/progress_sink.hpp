#pragma once
/// How a long computation reports how it goes, without knowing where the report goes: physics
/// and coupling code take a ProgressSink&, the application passes the terminal's (io/progress).
#include <string>

namespace kelvin {

/// Receiver of progress messages. Host only.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  /// The current state (iteration, residual); `fraction` in [0, 1] (negative: unknown).
  virtual void update(const std::string& message, double fraction = -1) = 0;
  /// A line worth keeping (a warning, the end of a phase).
  virtual void log(const std::string& message) = 0;
  /// The end of a phase of updates (a terminal ends its in-place line).
  virtual void finish() = 0;
};

/// A sink that drops everything (tests, quiet library use).
class NullProgress final : public ProgressSink {
 public:
  void update(const std::string&, double = -1) override {}
  void log(const std::string&) override {}
  void finish() override {}
};

}  // namespace kelvin
