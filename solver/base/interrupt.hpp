#pragma once
/// A request to stop (Ctrl-C, or the SIGTERM a batch system sends at its time limit), set by
/// the application's signal handler and polled by every long loop: the steady flow and coupling
/// iterations and the steady linear solves (solver/physics) and the transient drivers
/// (solver/app, which write a checkpoint first). Header-only, so that the compute library
/// (solver/physics, solver/numerics) needs no link to the host library.
#include <csignal>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace detail {
/// The signal number of a pending stop request, 0 for none. A sig_atomic_t, so the handler may
/// set it; read by the thread that runs the solve.
inline volatile std::sig_atomic_t g_stop_signal = 0;
}  // namespace detail

/// Asks the run to stop at the next point that polls interrupt_requested(): a transient after
/// its current step (writing its checkpoint), a steady solve after its current iteration.
/// signal_number (SIGINT, SIGTERM) decides the exit status (128 + it). Async-signal-safe.
inline void request_interrupt(int signal_number = SIGINT) noexcept {
  detail::g_stop_signal = signal_number > 0 ? signal_number : SIGINT;
}
/// Whether request_interrupt() was called (and not yet cleared).
inline bool interrupt_requested() noexcept { return detail::g_stop_signal != 0; }
/// The signal of the pending request (SIGINT, SIGTERM), 0 for none.
inline int interrupt_signal() noexcept { return static_cast<int>(detail::g_stop_signal); }
/// Clears a pending request (tests; a new run).
inline void clear_interrupt() noexcept { detail::g_stop_signal = 0; }

/// A run stopped on request. what() says where it stopped and, when a checkpoint was written,
/// how to resume; `kelvin` prints it and exits 128 + signal_number (130 for SIGINT, 143 for
/// SIGTERM).
struct Interrupted : std::runtime_error {
  Interrupted(const std::string& what, int signal, bool checkpoint)
      : std::runtime_error(what), signal_number(signal), checkpoint_written(checkpoint) {}
  int signal_number = SIGINT;
  bool checkpoint_written = false;  ///< the run can be continued with --resume
};

/// Throws Interrupted (no checkpoint) for the pending request, saying where the run stopped
/// ("during the steady flow solve at iteration 812"), and clears the request. Callers test
/// interrupt_requested() first, so the message is only built when needed.
[[noreturn]] inline void throw_interrupted(const std::string& where) {
  const int signal = interrupt_signal();
  clear_interrupt();
  throw Interrupted("interrupted " + where, signal > 0 ? signal : SIGINT, false);
}

}  // namespace kelvin
