#include "utf8.hpp"

namespace evidence {

std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t* cp) {
  if (pos >= s.size()) return 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  // The RFC 3629 table of well-formed sequences: the second byte's range excludes overlongs
  // (after E0 and F0), surrogates (after ED) and code points past U+10FFFF (after F4).
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t v;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, v = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, v = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, v = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - pos < len) return 0;
  if (byte(pos + 1) < lo || byte(pos + 1) > hi) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(pos + k);
    if (b < 0x80 || b > 0xBF) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  *cp = v;
  return len;
}

std::size_t DecodeUtf8Backward(std::string_view s, std::size_t end, char32_t* cp) {
  for (std::size_t len = 1; len <= 4 && len <= end; ++len) {
    if (DecodeUtf8(s, end - len, cp) == len) return len;
  }
  return 0;
}

std::string LossyUtf8(std::string_view s, std::size_t* replaced) {
  std::string out;
  out.reserve(s.size());
  std::size_t count = 0;
  std::size_t run = 0;  // start of the well-formed bytes not yet copied
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (std::size_t n = DecodeUtf8(s, i, &cp); n != 0) {
      i += n;
    } else {
      out.append(s.substr(run, i - run));
      out += "\xEF\xBF\xBD";
      ++count;
      run = ++i;
    }
  }
  out.append(s.substr(run));
  if (replaced != nullptr) *replaced = count;
  return out;
}

std::string LossyUtf8(std::string_view s) { return LossyUtf8(s, nullptr); }

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    const std::size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t Utf8CutPoint(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

bool IsUnicodeSpace(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

}  // namespace evidence
