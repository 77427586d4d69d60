#include "evidence/canonical_json.hpp"

namespace evidence {

namespace {

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
