#pragma once
/// Raw backend memory. Device memory on CUDA, 64-byte aligned host memory on the CPU
/// (kernels/host_pages.hpp: large buffers in their own mappings).
#include <cstddef>

namespace kelvin {

void* backend_alloc(std::size_t bytes);
void backend_free(void* p);
/// `bytes` of zeroed backend memory.
void* backend_alloc_zeroed(std::size_t bytes);
void backend_copy_to_host(void* host, const void* backend, std::size_t bytes);
void backend_copy_from_host(void* backend, const void* host, std::size_t bytes);

}  // namespace kelvin
