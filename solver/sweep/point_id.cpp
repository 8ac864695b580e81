#include "solver/sweep/point_id.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "solver/sweep/quantity_text.hpp"

namespace kelvin {

std::string point_id(const Assignment& values) {
  Assignment sorted = values;
  for (auto& kv : sorted) kv.second = normalize_value_text(kv.second);
  std::sort(sorted.begin(), sorted.end());
  // Length-prefixed, so no key or value text can imitate a separator.
  std::string canon;
  for (const auto& [k, v] : sorted) canon += fmt::format("{}:{}={}:{};", k.size(), k, v.size(), v);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(canon.data(), canon.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  std::string hex;
  for (unsigned int i = 0; i < 6 && i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace kelvin
