#pragma once
/// Backend selection: the only place that knows whether kernels run on CUDA or OpenMP.
#include <cstddef>

/// KELVIN_INLINE_KERNEL after a kernel lambda's parameters: inlined into its loop on the CPU
/// whatever its size (a large kernel in both clones of parallel_for_multiarch was otherwise
/// called per cell, unvectorised).
#if defined(__CUDACC__)
#define KELVIN_HD __host__ __device__
#define KELVIN_LAMBDA [=] __host__ __device__
#define KELVIN_DEVICE_CODE 1
#define KELVIN_INLINE_KERNEL
#else
#define KELVIN_HD
#define KELVIN_LAMBDA [=]
#define KELVIN_INLINE_KERNEL __attribute__((always_inline))
#endif

#if defined(KELVIN_USE_CUDA)
#define KELVIN_BACKEND_NAME "cuda"
#else
#define KELVIN_BACKEND_NAME "cpu-openmp"
#endif

#include <stdexcept>
#include <string>

namespace kelvin {

/// Thrown by KELVIN_VERIFY when an always-on invariant fails.
struct VerifyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown when a CUDA runtime call or kernel launch fails.
struct CudaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Name of the compiled backend ("cpu-openmp" or "cuda").
const char* backend_name();
/// Number of host threads the CPU backend uses.
int backend_threads();
/// Sets the number of host threads (no-op if n <= 0). Callers clamp n to hardware_threads():
/// OpenMP runtimes crash creating tens of thousands of threads.
void set_backend_threads(int n);
/// Hardware threads this process may run on (OpenMP's processor count, which honours the CPU
/// affinity mask); at least 1.
int hardware_threads();
/// The accelerator a process that is local_rank-th of its node's ranks uses: device
/// local_rank modulo the devices it sees (each rank its own GPU while there are enough).
/// Returns the device, or -1 on the CPU backend. Call before any other backend call.
int use_device(int local_rank);
/// One-line description of the accelerator, or "none".
std::string device_description();
/// Bytes the backend can still allocate: on CUDA the device's free memory, on the CPU the
/// host's (MemAvailable, capped by a cgroup memory limit when one is set).
std::size_t backend_memory_available();
/// Bytes of host memory available to this process (see backend_memory_available).
std::size_t host_memory_available();
/// Waits for all queued kernels (no-op on the CPU).
void synchronize();

}  // namespace kelvin

#define KELVIN_VERIFY(cond, msg)                                                           \
  do {                                                                                     \
    if (!(cond))                                                                           \
      throw ::kelvin::VerifyError(std::string(__FILE__) + ":" + std::to_string(__LINE__) + \
                                  ": " + (msg));                                           \
  } while (0)

#ifdef NDEBUG
#define KELVIN_ASSERT(cond) ((void)0)
#else
#define KELVIN_ASSERT(cond) KELVIN_VERIFY(cond, #cond)
#endif
