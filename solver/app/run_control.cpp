// Run options, Ctrl-C, clock and version shared by the drivers. See run_control.hpp.
#include "solver/app/run_control.hpp"

#include <csignal>

namespace kelvin {

namespace {
volatile std::sig_atomic_t g_interrupt = 0;
}  // namespace

void request_interrupt() { g_interrupt = 1; }
bool interrupt_requested() { return g_interrupt != 0; }
void clear_interrupt() { g_interrupt = 0; }

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const char* kelvin_version() { return KELVIN_VERSION; }

}  // namespace kelvin
