// The JSON members of a bundle (evidence/items.json, incidents.json, proofs.json,
// consistency.json, keys.json; docs/bundle.md "evidence/"), parsed once into typed values with
// type and range checks. A sender writes these files, so every one is hostile: a wrong type, a
// missing field or a value out of range is a Status naming the member, the element and the field,
// never an exception. Nothing here says whether the values are true; bundle_verify.cpp checks
// them against the signed ledger entries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/hash.hpp"
#include "evidence/incident.hpp"
#include "evidence/status.hpp"

namespace evidence::bundle_internal {

inline bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads the fields of one untrusted JSON object without throwing, remembering the first problem
// ("<where>: \"size\" is string, not an unsigned integer"): callers read every field they need
// and look at status() once, so each parser stays a flat list of fields.
class JsonFields {
 public:
  JsonFields(const nlohmann::json& obj, std::string where) : obj_(obj), where_(std::move(where)) {
    if (!obj_.is_object()) Problem("", std::string("is ") + obj_.type_name() + ", not an object");
  }

  bool ok() const { return problem_.empty(); }
  Status status() const { return ok() ? Status::Ok() : Status::Corruption(problem_); }
  const std::string& problem() const { return problem_; }
  // Names the element in later messages once its id is known ("element 2 (EX-0003)").
  void Rename(const std::string& where) { where_ = where; }

  std::string Str(const char* key) { return OptStrImpl(key, /*required=*/true).value_or(""); }
  std::optional<std::string> OptStr(const char* key) { return OptStrImpl(key, false); }
  // Required, a string or null.
  std::optional<std::string> StrOrNull(const char* key) {
    const nlohmann::json* v = Get(key, true);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) {
      Type(key, *v, "a string or null");
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  std::string Hex64(const char* key) {
    std::string s = Str(key);
    if (ok() && !IsLowerHex64(s)) Problem(key, "is not 64 lower-case hex digits");
    return s;
  }
  std::optional<Sha256Digest> Digest(const char* key, bool required) {
    auto s = OptStrImpl(key, required);
    if (!s) return std::nullopt;
    auto d = DigestFromHex(*s);
    if (!d.ok()) {
      Problem(key, "is not 64 hex digits");
      return std::nullopt;
    }
    return *d;
  }
  std::uint64_t U64(const char* key) {
    const nlohmann::json* v = Get(key, true);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) {
      Type(key, *v, "an unsigned integer");
      return 0;
    }
    return v->get<std::uint64_t>();
  }
  std::vector<std::string> Strings(const char* key, bool required = true) {
    std::vector<std::string> out;
    const nlohmann::json* v = Get(key, required);
    if (v == nullptr) return out;
    if (!v->is_array()) {
      Type(key, *v, "an array of strings");
      return out;
    }
    for (const auto& s : *v) {
      if (!s.is_string()) {
        Type(key, s, "a string (in an array of strings)");
        return {};
      }
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  std::vector<Sha256Digest> Digests(const char* key) {
    std::vector<Sha256Digest> out;
    const nlohmann::json* v = Get(key, true);
    if (v == nullptr) return out;
    if (!v->is_array()) {
      Type(key, *v, "an array of hashes");
      return out;
    }
    for (const auto& s : *v) {
      auto d = s.is_string() ? DigestFromHex(s.get<std::string>())
                             : Result<Sha256Digest>(Status::Corruption(""));
      if (!d.ok()) {
        Problem(key, "holds something other than 64 hex digits");
        return {};
      }
      out.push_back(*d);
    }
    return out;
  }
  const nlohmann::json* Object(const char* key) {
    const nlohmann::json* v = Get(key, true);
    if (v != nullptr && !v->is_object()) {
      Type(key, *v, "an object");
      return nullptr;
    }
    return v;
  }
  const nlohmann::json* Array(const char* key) {
    const nlohmann::json* v = Get(key, true);
    if (v != nullptr && !v->is_array()) {
      Type(key, *v, "an array");
      return nullptr;
    }
    return v;
  }
  void Problem(const char* key, const std::string& what) {
    if (!problem_.empty()) return;
    problem_ = where_ + (key[0] == '\0' ? "" : std::string(": \"") + key + "\"") + " " + what;
  }

 private:
  const nlohmann::json* Get(const char* key, bool required) {
    if (!obj_.is_object()) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      if (required) Problem(key, "is missing");
      return nullptr;
    }
    return &*it;
  }
  std::optional<std::string> OptStrImpl(const char* key, bool required) {
    const nlohmann::json* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      Type(key, *v, "a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  void Type(const char* key, const nlohmann::json& v, const char* wanted) {
    Problem(key, std::string("is ") + v.type_name() + ", not " + wanted);
  }

  const nlohmann::json& obj_;
  std::string where_;
  std::string problem_;
};

// One element of evidence/items.json.
struct BundleItem {
  std::string exhibit;  // <PREFIX>-<NNNN>, PREFIX 1 to 16 of A-Z 0-9
  std::string path;     // as in the manifest, unencoded
  std::string name;
  std::optional<std::string> name_hex;  // the exact name bytes, when they are not UTF-8
  std::string sha256;                   // 64 lower-case hex digits
  std::uint64_t size = 0;
  std::string media_type;
  std::string kind;
  std::optional<std::string> captured;  // null in the file
  std::string ingested;
  std::uint64_t entry = 0;  // seq of its item.ingested entry
  std::optional<std::string> parent;
  std::optional<std::string> note;
  nlohmann::json metadata = nlohmann::json::object();  // always an object
};

// kCorruption "evidence/items.json element 2 (EX-0003): \"size\" is a string, not an unsigned
// integer" (or "not a JSON array", "not JSON").
Result<std::vector<BundleItem>> ParseItemsJson(std::string_view text);

// One element of evidence/incidents.json: an Incident (incident.hpp) in the form IncidentToJson
// writes, a version's absent "reason" read as "". "messages" ([{"item", "index"}]) may be absent
// (docs/bundle.md): `lists_messages` is false then, and the incident's messages are not compared.
struct BundleIncident : Incident {
  bool lists_messages = false;
};

Result<std::vector<BundleIncident>> ParseIncidentsJson(std::string_view text);

// One element of proofs.json "entries"; `problem` is set (and the rest unusable) when the element
// is malformed, so that the check of its ledger line can name it.
struct ProofElement {
  std::uint64_t seq = 0;
  std::optional<Sha256Digest> leaf_hash;
  std::vector<Sha256Digest> inclusion_path;
  std::string problem;
};

struct BundleProofs {
  std::uint64_t tree_size = 0;
  std::vector<ProofElement> entries;
};

// `path` names the member in messages (proofs.json of the exporter or of a custody folder).
Result<BundleProofs> ParseProofsJson(std::string_view text, const std::string& path);

// One element of consistency.json; `problem` as in ProofElement.
struct ConsistencyElement {
  std::uint64_t from_size = 0;
  Sha256Digest from_root{};
  std::uint64_t to_size = 0;
  std::vector<Sha256Digest> path;
  std::string problem;
};

Result<std::vector<ConsistencyElement>> ParseConsistencyJson(std::string_view text,
                                                             const std::string& path);

// One element of keys.json.
struct BundleKey {
  std::uint64_t entry = 0;
  std::string key;
  std::string fingerprint;
  std::string public_key_pem;
  std::optional<std::string> endorsed_by;
};

Result<std::vector<BundleKey>> ParseKeysJson(std::string_view text);

}  // namespace evidence::bundle_internal
