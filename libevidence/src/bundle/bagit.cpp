#include "bagit.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "evidence/canonical_json.hpp"

namespace evidence::bagit {

std::string EncodePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::string> DecodePath(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    std::string code(s.substr(i + 1, 2));
    // Through unsigned char: toupper of a negative char (a UTF-8 byte) is undefined behaviour.
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (code == "25") {
      out.push_back('%');
    } else if (code == "0D") {
      out.push_back('\r');
    } else if (code == "0A") {
      out.push_back('\n');
    } else {
      return Status::Corruption("bad percent-encoding in manifest path \"" + std::string(s) + "\"");
    }
    i += 2;
  }
  return out;
}

std::string FormatManifest(std::vector<ManifestLine> lines) {
  std::sort(lines.begin(), lines.end(),
            [](const ManifestLine& a, const ManifestLine& b) { return a.path < b.path; });
  std::string out;
  for (const auto& l : lines) out += l.sha256 + "  " + EncodePath(l.path) + "\n";
  return out;
}

namespace {
bool SafeRelativePath(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    std::string_view part =
        p.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}
}  // namespace

Result<std::vector<ManifestLine>> ParseManifest(std::string_view text) {
  std::vector<ManifestLine> out;
  std::set<std::string> seen;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      return Status::Corruption("line " + std::to_string(line_no) + " does not end with a newline");
    }
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto bad = [&](const std::string& why) {
      return Status::Corruption("line " + std::to_string(line_no) + ": " + why);
    };
    if (line.size() < 66) return bad("too short for a SHA-256 and a path");
    std::string hex(line.substr(0, 64));
    for (char& c : hex) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!std::isxdigit(static_cast<unsigned char>(c))) return bad("not a SHA-256 hex digest");
    }
    size_t p = 64;
    if (line[p] != ' ' && line[p] != '\t') return bad("no space after the digest");
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    auto decoded = DecodePath(line.substr(p));
    if (!decoded.ok()) return bad(decoded.status().message());
    if (!SafeRelativePath(*decoded)) return bad("unsafe path \"" + *decoded + "\"");
    if (!seen.insert(*decoded).second) return bad("duplicate path \"" + *decoded + "\"");
    out.push_back({hex, std::move(decoded).value()});
  }
  return out;
}

std::string FormatBagInfo(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string v = value;
    std::replace(v.begin(), v.end(), '\n', ' ');
    std::replace(v.begin(), v.end(), '\r', ' ');
    out += label + ": " + v + "\n";
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseBagInfo(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') {
      if (out.empty()) {
        return Status::Corruption("bag-info.txt line " + std::to_string(line_no) +
                                  ": continuation without a label");
      }
      size_t s = line.find_first_not_of(" \t");
      out.back().second +=
          " " + std::string(line.substr(s == std::string_view::npos ? line.size() : s));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::Corruption("bag-info.txt line " + std::to_string(line_no) +
                                ": no \"Label: value\"");
    }
    std::string_view value = line.substr(colon + 1);
    size_t s = value.find_first_not_of(" \t");
    out.emplace_back(
        std::string(line.substr(0, colon)),
        std::string(s == std::string_view::npos ? std::string_view() : value.substr(s)));
  }
  return out;
}

std::string PayloadOxum(std::uint64_t bytes, std::uint64_t files) {
  return std::to_string(bytes) + "." + std::to_string(files);
}

std::string PayloadName(const std::string& raw) {
  bool plain = IsValidUtf8(raw) && raw != "." && raw != ".." && !raw.empty() &&
               raw.find('/') == std::string::npos && raw.find('\0') == std::string::npos;
  if (plain) return raw;
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    bool bad = c == '/' || c == 0 || c == '%' || c >= 0x80;
    if (bad) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (out.empty() || out == "." || out == "..")
    out = "%2E" + out.substr(std::min<size_t>(1, out.size()));
  return out;
}

}  // namespace evidence::bagit
