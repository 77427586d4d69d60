// BagIt (RFC 8493) tag files: manifests and bag-info. Pure text functions, shared by the bundle
// writer and the bundle verifier.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/status.hpp"

namespace evidence::bagit {

inline constexpr std::string_view kBagitTxt =
    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

// RFC 8493 section 2.1.3: in manifest paths '%' is "%25", CR "%0D" and LF "%0A".
std::string EncodePath(std::string_view path);
// The inverse; kCorruption for a '%' not followed by 25, 0D/0d or 0A/0a.
Result<std::string> DecodePath(std::string_view encoded);

struct ManifestLine {
  std::string sha256;  // 64 lower-case hex digits
  std::string path;    // decoded, relative to the bag's top folder
};

// "<hex>  <encoded path>\n" per line, sorted by path (byte order).
std::string FormatManifest(std::vector<ManifestLine> lines);

// Strict parse: each line "<64 hex> <one or more spaces or tabs> <path>", LF-terminated (a final
// CRLF is tolerated), no duplicate paths, no absolute paths, no "." or ".." components, no empty
// lines. Upper-case hex is accepted and lowered. kCorruption naming the line otherwise.
Result<std::vector<ManifestLine>> ParseManifest(std::string_view text);

// bag-info.txt: "Label: value" lines in the given order; values are one line (CR/LF become spaces).
std::string FormatBagInfo(const std::vector<std::pair<std::string, std::string>>& fields);
// Parses labels and values (continuation lines, starting with whitespace, are joined with a space).
// Labels may repeat; all values are kept in order.
Result<std::vector<std::pair<std::string, std::string>>> ParseBagInfo(std::string_view text);

// "<octets>.<streams>" as in Payload-Oxum.
std::string PayloadOxum(std::uint64_t bytes, std::uint64_t files);

// The file name of an item under data/items/<EXHIBIT>/ (docs/bundle.md "Payload file names"):
// `raw` itself when it is valid UTF-8 without '/' or NUL and not "." or ".."; otherwise each
// offending byte (and '%') as "%XX". The exporter writes it and verify-bundle requires it.
std::string PayloadName(const std::string& raw);

}  // namespace evidence::bagit
