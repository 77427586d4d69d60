#include "evidence/printable.hpp"

#include "evidence/canonical_json.hpp"

namespace evidence {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Code points a terminal or a bidi-aware viewer acts on rather than shows.
bool InertUnicode(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void AppendCodePoint(std::string& out, char32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 15]);
}

}  // namespace

std::string PrintableText(std::string_view text, AsciiControls ascii) {
  std::string valid = LossyUtf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size();) {
    auto c = static_cast<unsigned char>(valid[i]);
    if (c < 0x80) {
      bool control = c < 0x20 || c == 0x7f;
      bool keep =
          ascii == AsciiControls::kKeep || (ascii == AsciiControls::kKeepNewlines && c == '\n');
      if (control && !keep) {
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // LossyUtf8 left only well-formed sequences: the lead byte gives the length.
    std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    char32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(valid[i + k]) & 0x3f);
    }
    if (InertUnicode(cp)) {
      AppendCodePoint(out, cp);
    } else {
      out.append(valid, i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace evidence
