#include "evidence/printable.hpp"

#include "utf8.hpp"

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
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
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
    char32_t cp;
    std::size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for each byte that is not part of a well-formed sequence
      ++i;
    } else if (InertUnicode(cp)) {
      AppendCodePoint(out, cp);
      i += n;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace evidence
