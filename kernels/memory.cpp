// Backend memory and device queries. The CUDA branch is compiled by nvcc in the CUDA build.
#include "kernels/memory.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <cstring>
#include <new>

#include "kernels/backend.hpp"
#include "kernels/host_pages.hpp"

#if defined(KELVIN_USE_CUDA)
#include "kernels/cuda_check.hpp"
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace kelvin {

#if defined(KELVIN_USE_CUDA)
void* backend_alloc(std::size_t bytes) {
  void* p = nullptr;
  if (bytes) KELVIN_CUDA_CHECK(cudaMalloc(&p, bytes));
  return p;
}
void backend_free(void* p) {
  if (p) cudaFree(p);
}
void* backend_alloc_zeroed(std::size_t bytes) {
  void* p = backend_alloc(bytes);
  if (bytes) KELVIN_CUDA_CHECK(cudaMemset(p, 0, bytes));
  return p;
}
void backend_copy_to_host(void* host, const void* backend, std::size_t bytes) {
  if (bytes) KELVIN_CUDA_CHECK(cudaMemcpy(host, backend, bytes, cudaMemcpyDeviceToHost));
}
void backend_copy_from_host(void* backend, const void* host, std::size_t bytes) {
  if (bytes) KELVIN_CUDA_CHECK(cudaMemcpy(backend, host, bytes, cudaMemcpyHostToDevice));
}
void synchronize() { KELVIN_CUDA_CHECK(cudaDeviceSynchronize()); }
std::size_t backend_memory_available() {
  std::size_t free_bytes = 0, total_bytes = 0;
  KELVIN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return free_bytes;
}
int use_device(int local_rank) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count <= 0) return -1;
  const int dev = local_rank % count;
  KELVIN_CUDA_CHECK(cudaSetDevice(dev));
  return dev;
}
std::string device_description() {
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess)
    return "none (CUDA runtime reports no device)";
  return std::string(prop.name) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB, sm_" +
         std::to_string(prop.major) + std::to_string(prop.minor);
}
#else
void* backend_alloc(std::size_t bytes) { return host_alloc(bytes); }
void* backend_alloc_zeroed(std::size_t bytes) { return host_alloc_zeroed(bytes); }
void backend_free(void* p) { host_free(p); }
void backend_copy_to_host(void* host, const void* backend, std::size_t bytes) {
  if (bytes) std::memcpy(host, backend, bytes);
}
void backend_copy_from_host(void* backend, const void* host, std::size_t bytes) {
  if (bytes) std::memcpy(backend, host, bytes);
}
void synchronize() {}
std::string device_description() { return "none"; }
int use_device(int) { return -1; }
std::size_t backend_memory_available() { return host_memory_available(); }
#endif

namespace {
/// The value after `key` in /proc/meminfo, kB; -1 when absent.
long long meminfo_kB(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string word;
  long long v = -1;
  while (in >> word)
    if (word == key) return (in >> v) ? v : -1;
  return -1;
}
/// A cgroup v2 byte count ("max" or unreadable: -1).
long long cgroup_bytes(const char* path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word == "max") return -1;
  return std::strtoll(word.c_str(), nullptr, 10);
}
}  // namespace

std::size_t host_memory_available() {
  const long long avail_kB = meminfo_kB("MemAvailable:");
  double bytes = avail_kB > 0 ? 1024.0 * avail_kB : 0.0;
  // A container's limit (cgroup v2) can be far below the machine's memory.
  const long long limit = cgroup_bytes("/sys/fs/cgroup/memory.max");
  const long long used = cgroup_bytes("/sys/fs/cgroup/memory.current");
  if (limit > 0 && used >= 0) {
    const double room = static_cast<double>(limit - used);
    bytes = bytes > 0 ? std::min(bytes, room) : room;
  }
  return bytes > 0 ? static_cast<std::size_t>(bytes) : 0;
}

const char* backend_name() { return KELVIN_BACKEND_NAME; }

int backend_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

void set_backend_threads(int n) {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

int hardware_threads() {
#ifdef _OPENMP
  return std::max(1, omp_get_num_procs());
#else
  return 1;
#endif
}

}  // namespace kelvin
