#include "evidence/canonical_json.hpp"

namespace evidence {

namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 if it is ill-formed (RFC 3629 table).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

Status CheckNoFloats(const nlohmann::json& v, const std::string& where) {
  if (v.is_number_float()) {
    return Status::InvalidArgument("canonical json: floating-point number at " + where +
                                   " (use a decimal string)");
  }
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      Status s = CheckNoFloats(child, where + "/" + k);
      if (!s.ok()) return s;
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      Status s = CheckNoFloats(v[i], where + "/" + std::to_string(i));
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string LossyUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  Status s = CheckNoFloats(value, "");
  if (!s.ok()) return s;
  // nlohmann's default object type is a std::map<std::string, ...>, whose byte-wise key order is
  // code point order for UTF-8; dump() without indent adds no whitespace.
  try {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("canonical json: ") + e.what());
  }
}

Result<nlohmann::json> ParseCanonicalJson(std::string_view text) {
  nlohmann::json v = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return Status::Corruption("not valid JSON");
  auto again = CanonicalJson(v);
  if (!again.ok()) return Status::Corruption(again.status().message());
  // Duplicate keys collapse on parse, so they also fail this comparison.
  if (*again != text) return Status::Corruption("JSON is not in canonical form");
  return v;
}

}  // namespace evidence
