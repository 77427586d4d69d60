#include "describe.hpp"

#include <algorithm>

namespace evidence {

Description DescribeFile(const std::filesystem::path&, std::string_view name_hint) {
  // Until content sniffing lands, the extension decides.
  Description d;
  std::string ext = std::filesystem::path(std::string(name_hint)).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".jpg" || ext == ".jpeg") {
    d.kind = "photo";
    d.media_type = "image/jpeg";
  } else if (ext == ".png") {
    d.kind = "image";
    d.media_type = "image/png";
  } else if (ext == ".wav") {
    d.kind = "audio";
    d.media_type = "audio/x-wav";
  } else if (ext == ".txt") {
    d.kind = "document";
    d.media_type = "text/plain";
  }
  return d;
}

}  // namespace evidence
