#include "tsa_ca.hpp"

#include "small_file.hpp"

namespace evidence {

namespace {

// A CA bundle is a few KiB to a few hundred (the system's whole set); anything larger is not one.
constexpr std::size_t kMaxTsaCaFile = 1 << 20;

}  // namespace

Result<std::string> ReadTsaCa(const std::filesystem::path& path, std::string_view argument) {
  auto pem = ReadSmallFile(path, kMaxTsaCaFile);
  if (!pem.ok()) return pem.status().AboutArgument(std::string(argument));
  if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status::InvalidArgument(path.string() + ": holds no PEM certificate")
        .AboutArgument(std::string(argument));
  }
  return pem;
}

}  // namespace evidence
