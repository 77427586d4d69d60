#include "report_view.hpp"

#include <openssl/evp.h>

#include <set>

namespace evidence::app {

namespace {

// 'sha256-<base64>' as CSP writes a hash source.
std::string HashSource(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1) return "";
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(b64), n) + "'";
}

// The text between each `open` and the following `close`. The report escapes every quote and
// angle bracket of the case's text, so these markers come only from the library's own markup.
void Between(std::string_view html, std::string_view open, std::string_view close,
             std::set<std::string>* out) {
  std::size_t at = 0;
  while ((at = html.find(open, at)) != std::string_view::npos) {
    at += open.size();
    const std::size_t end = html.find(close, at);
    if (end == std::string_view::npos) return;
    out->insert(HashSource(html.substr(at, end - at)));
    at = end + close.size();
  }
}

}  // namespace

std::string ReportPolicy(std::string_view html) {
  std::set<std::string> blocks;
  std::set<std::string> attributes;
  Between(html, "<style>", "</style>", &blocks);
  Between(html, " style=\"", "\"", &attributes);
  blocks.erase("");
  attributes.erase("");
  std::string style = "style-src";
  for (const auto& h : blocks) style += " " + h;
  // A hash allows a style attribute only with 'unsafe-hashes' (CSP level 3): it still allows
  // nothing but these exact values.
  if (!attributes.empty()) style += " 'unsafe-hashes'";
  for (const auto& h : attributes) style += " " + h;
  if (blocks.empty() && attributes.empty()) style += " 'none'";
  return "default-src 'none'; " + style +
         "; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
}

}  // namespace evidence::app
