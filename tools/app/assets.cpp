#include "assets.hpp"

#include <algorithm>

#include "embedded_files.hpp"

namespace evidence::app {

namespace {

std::string_view ContentTypeFor(std::string_view name) {
  // The browser is told the exact type, and nosniff stops it from guessing another one.
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".mustache")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::vector<Asset> Load() {
  std::vector<Asset> all;
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& f = kEmbeddedFiles[i];
    std::string_view name(f.name);
    all.push_back({name, {reinterpret_cast<const char*>(f.bytes), f.size}, ContentTypeFor(name)});
  }
  std::sort(all.begin(), all.end(), [](const Asset& a, const Asset& b) { return a.name < b.name; });
  return all;
}

}  // namespace

const std::vector<Asset>& AllAssets() {
  static const std::vector<Asset> all = Load();
  return all;
}

const Asset* FindAsset(std::string_view name) {
  for (const Asset& a : AllAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace evidence::app
