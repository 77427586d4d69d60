#include "age_header.hpp"

#include "age_encoding.hpp"
#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence::age_internal {
namespace {

constexpr std::size_t kMaxHeaderSize = 1 << 20;
constexpr std::size_t kMaxLine = 16 * 1024;
constexpr std::size_t kBodyColumns = 64;

class LineReader {
 public:
  explicit LineReader(BufferedSource& src) : src_(src) {}

  // The next line without its '\n'; a missing '\n' (the end of input) is an error.
  Result<std::string> Next() {
    bool too_long = false;
    EVIDENCE_ASSIGN_OR_RETURN(std::string line, src_.ReadLine(kMaxLine, &too_long));
    ++number_;
    if (too_long) return Error("line longer than 16 KiB");
    total_ += line.size();
    if (total_ > kMaxHeaderSize) return Error("header larger than 1 MiB");
    raw_ += line;
    if (line.empty() || line.back() != '\n') return Error("the file ends inside the header");
    line.pop_back();
    return line;
  }

  Status Error(const std::string& what) const {
    return Status::Corruption("header: line " + std::to_string(number_) + ": " + what);
  }
  std::string& raw() { return raw_; }

 private:
  BufferedSource& src_;
  std::size_t number_ = 0;
  std::size_t total_ = 0;
  std::string raw_;
};

bool ValidArgument(std::string_view arg) {
  if (arg.empty()) return false;
  for (char c : arg) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

std::vector<std::string> Split(std::string_view line) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto sp = line.find(' ', start);
    parts.emplace_back(line.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return parts;
}

// Body lines follow the stanza line: full 64-column lines, then one shorter (maybe empty) line.
Status ReadBody(LineReader& lines, Stanza* stanza) {
  while (true) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string line, lines.Next());
    if (line.size() > kBodyColumns) return lines.Error("stanza body line longer than 64 columns");
    auto bytes = Base64DecodeRaw(line);
    if (!bytes) return lines.Error("stanza body is not canonical unpadded base64");
    stanza->body.insert(stanza->body.end(), bytes->begin(), bytes->end());
    if (line.size() < kBodyColumns) return Status::Ok();
  }
}

}  // namespace

Result<Header> ReadHeader(BufferedSource& src) {
  LineReader lines(src);
  Header header;
  {
    bool too_long = false;
    EVIDENCE_ASSIGN_OR_RETURN(std::string first, src.ReadLine(kMaxLine, &too_long));
    if (first != kAgeVersionLine) {
      if (first.starts_with("age-encryption.org/")) {
        return Status::Unsupported("header: line 1: unsupported age version");
      }
      return Status::Corruption("header: line 1: not an age file");
    }
    lines.raw() = first;
  }
  while (true) {
    EVIDENCE_ASSIGN_OR_RETURN(std::string line, lines.Next());
    if (line.starts_with("---")) {
      auto parts = Split(line);
      if (parts[0] != "---" || parts.size() != 2) return lines.Error("malformed MAC line");
      auto mac = Base64DecodeRaw(parts[1]);
      if (!mac || mac->size() != header.mac.size()) {
        return lines.Error("the MAC is not 32 bytes of canonical base64");
      }
      std::copy(mac->begin(), mac->end(), header.mac.begin());
      // The MAC covers the header up to and including "---", not the space and MAC after it.
      std::string& raw = lines.raw();
      header.mac_input = raw.substr(0, raw.size() - line.size() - 1 + 3);
      break;
    }
    auto parts = Split(line);
    if (parts[0] != "->") return lines.Error("expected a stanza (\"-> \") or the MAC line");
    if (parts.size() < 2) return lines.Error("stanza has no type");
    for (std::size_t i = 1; i < parts.size(); ++i) {
      if (!ValidArgument(parts[i])) {
        return lines.Error("stanza argument " + std::to_string(i) +
                           " is empty or has a character outside ASCII 33-126");
      }
    }
    Stanza stanza;
    stanza.type = parts[1];
    stanza.args.assign(parts.begin() + 2, parts.end());
    EVIDENCE_RETURN_IF_ERROR(ReadBody(lines, &stanza));
    header.stanzas.push_back(std::move(stanza));
  }
  if (header.stanzas.empty()) return Status::Corruption("header: no recipient stanza");
  return header;
}

std::string HeaderWithoutMac(const std::vector<Stanza>& stanzas) {
  std::string out(kAgeVersionLine);
  for (const Stanza& s : stanzas) {
    out += "-> " + s.type;
    for (const auto& a : s.args) out += " " + a;
    out += '\n';
    std::string body = Base64EncodeRaw(s.body);
    // A body whose encoding fills whole lines still ends with an empty line.
    for (std::size_t i = 0; i <= body.size(); i += kBodyColumns) {
      out += body.substr(i, kBodyColumns) + '\n';
      if (body.size() - i < kBodyColumns) break;
    }
  }
  out += "---";
  return out;
}

Status HeaderMac(ByteView file_key, std::string_view mac_input, Key32* out) {
  Key32 mac_key{};
  ossl::ScopedCleanse wipe(mac_key.data(), mac_key.size());
  EVIDENCE_RETURN_IF_ERROR(Hkdf(file_key, {}, "header", &mac_key));
  return HmacSha256(mac_key, AsBytes(mac_input), out);
}

}  // namespace evidence::age_internal
