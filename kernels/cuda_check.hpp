#pragma once
/// KELVIN_CUDA_CHECK: turns a failed CUDA runtime call into a CudaError naming the call site.
#include <cuda_runtime.h>

#include <string>

#include "kernels/backend.hpp"

#define KELVIN_CUDA_CHECK(call)                                                            \
  do {                                                                                     \
    const cudaError_t kelvin_err_ = (call);                                                \
    if (kelvin_err_ != cudaSuccess)                                                        \
      throw ::kelvin::CudaError(std::string(__FILE__) + ":" + std::to_string(__LINE__) +   \
                                ": " + #call + ": " + cudaGetErrorString(kelvin_err_));    \
  } while (0)
