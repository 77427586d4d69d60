#include "ledger_payloads.hpp"

#include <algorithm>
#include <initializer_list>

#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/incident.hpp"
#include "status_macros.hpp"

namespace evidence::payload {

namespace {

bool AllOf(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
bool IsUpperOrDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }
bool IsTokenChar(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_'; }

// The digits after a dash: at least 4 (ids are zero-padded), and few enough to fit an int64.
bool IsNumberedId(std::string_view s, std::size_t prefix_len) {
  if (prefix_len == 0 || prefix_len >= s.size() || s[prefix_len] != '-') return false;
  std::string_view digits = s.substr(prefix_len + 1);
  return digits.size() >= 4 && digits.size() <= 18 && AllOf(digits, IsDigit);
}

bool Digits(std::string_view s, std::size_t at, std::size_t n, int lo, int hi) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  return v >= lo && v <= hi;
}

bool IsMediaType(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
           std::string_view("/+-.!#$&^_").find(c) != std::string_view::npos;
  });
}

bool IsOid(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  if (s.find("..") != std::string_view::npos || s.find('.') == std::string_view::npos) return false;
  return AllOf(s, [](char c) { return IsDigit(c) || c == '.'; });
}

// Signed-note key names (docs/checkpoint.md): no space, no '+', nothing invisible.
bool IsKeyName(std::string_view s) {
  return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != '+' && c != '/';
  });
}

bool IsBase64Of(std::string_view s, std::size_t bytes) {
  auto b = Base64Decode(s);
  return b.ok() && b->size() == bytes;
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::size_t Depth(const nlohmann::json& j, std::size_t limit) {
  if (!j.is_structured() || limit == 0) return j.is_structured() ? 1 : 0;
  std::size_t deepest = 0;
  for (const auto& v : j) deepest = std::max(deepest, Depth(v, limit - 1));
  return deepest + 1;
}

enum class Rule {
  kText,         // any UTF-8 text up to kMaxTextBytes
  kNonBlank,     // ... that is not blank
  kName,         // not empty, up to kMaxNameBytes
  kExhibit,      // IsExhibitId
  kIncident,     // IsIncidentId
  kUuid,         // IsUuid
  kSha256,       // IsSha256Hex
  kFingerprint,  // IsFingerprint
  kTime,         // IsRfc3339, offset optional
  kTimeOffset,   // IsRfc3339 with an offset
  kTimeUtc,      // IsRfc3339 ending in Z
  kToken,        // [a-z0-9_-]{1,64}
  kMediaType,    // type/subtype
  kHex,          // lower-case hex, not empty
  kEvenHex,      // lower-case hex of whole bytes (may be empty only if the field is)
  kOid,          // dotted decimal
  kKeyName,      // IsKeyName
  kPrefix,       // [A-Z0-9]{1,16}
  kPublicKey,    // base64 of 32 bytes
  kSignature,    // base64 of 64 bytes
  kBehaviour,    // one of kBehaviours
};

// What a value of `rule` must be, for the error message; empty when `s` is one.
std::string Problem(Rule rule, std::string_view s) {
  switch (rule) {
    case Rule::kText:
      return s.size() <= kMaxTextBytes ? ""
                                       : "longer than " + std::to_string(kMaxTextBytes) + " bytes";
    case Rule::kNonBlank:
      if (IsBlank(s)) return "must not be empty";
      return Problem(Rule::kText, s);
    case Rule::kName:
      if (s.empty()) return "must not be empty";
      return s.size() <= kMaxNameBytes ? ""
                                       : "longer than " + std::to_string(kMaxNameBytes) + " bytes";
    case Rule::kExhibit:
      return IsExhibitId(s) ? "" : "expected an exhibit id (PREFIX-NNNN)";
    case Rule::kIncident:
      return IsIncidentId(s) ? "" : "expected an incident id (INC-NNNN)";
    case Rule::kUuid:
      return IsUuid(s) ? "" : "expected a UUID";
    case Rule::kSha256:
      return IsSha256Hex(s) ? "" : "expected 64 lower-case hex digits";
    case Rule::kFingerprint:
      return IsFingerprint(s) ? "" : "expected a key fingerprint (SHA256:<64 hex digits>)";
    case Rule::kTime:
      return IsRfc3339(s, false) ? "" : "expected an RFC 3339 date and time";
    case Rule::kTimeOffset:
      return IsRfc3339(s, true) ? "" : "expected an RFC 3339 date and time with an offset";
    case Rule::kTimeUtc:
      return IsRfc3339(s, true) && !s.empty() && s.back() == 'Z'
                 ? ""
                 : "expected an RFC 3339 date and time in UTC (Z)";
    case Rule::kToken:
      return !s.empty() && s.size() <= 64 && AllOf(s, IsTokenChar)
                 ? ""
                 : "expected a lower-case word (a-z, 0-9, '-', '_')";
    case Rule::kMediaType:
      return s.size() <= 255 && IsMediaType(s) ? "" : "expected a media type (type/subtype)";
    case Rule::kHex:
      return !s.empty() && s.size() <= 256 && AllOf(s, IsLowerHex)
                 ? ""
                 : "expected lower-case hex digits";
    case Rule::kEvenHex:
      return !s.empty() && s.size() % 2 == 0 && s.size() <= 2 * kMaxNameBytes &&
                     AllOf(s, IsLowerHex)
                 ? ""
                 : "expected lower-case hex of whole bytes";
    case Rule::kOid:
      return s.size() <= 256 && IsOid(s) ? "" : "expected a dotted object identifier";
    case Rule::kKeyName:
      return IsKeyName(s) ? "" : "expected a key name (no space, '+' or '/')";
    case Rule::kPrefix:
      return !s.empty() && s.size() <= 16 && AllOf(s, IsUpperOrDigit)
                 ? ""
                 : "expected 1 to 16 of A-Z and 0-9";
    case Rule::kPublicKey:
      return IsBase64Of(s, 32) ? "" : "expected the base64 of a 32-byte Ed25519 public key";
    case Rule::kSignature:
      return IsBase64Of(s, 64) ? "" : "expected the base64 of a 64-byte Ed25519 signature";
    case Rule::kBehaviour:
      return IsBehaviour(s) ? "" : "unknown behaviour";
  }
  return "unknown rule";
}

// Reads the fields of one JSON object, each once, and says which field is wrong.
class Fields {
 public:
  Fields(std::uint64_t seq, std::string_view action, const nlohmann::json& data,
         std::string prefix = "")
      : seq_(seq), action_(action), data_(data), prefix_(std::move(prefix)) {}

  // The object itself: an object holding no field but `known`.
  Status Begin(std::initializer_list<std::string_view> known) const {
    if (!data_.is_object()) {
      return prefix_.empty() ? Fail("data is not an object")
                             : Fail("field \"" + prefix_.substr(0, prefix_.size() - 1) +
                                    "\": expected an object");
    }
    for (const auto& [k, v] : data_.items()) {
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        return Fail("unknown field \"" + prefix_ + k + "\"");
      }
    }
    return Status::Ok();
  }

  Status Text(const char* k, Rule rule, std::string* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    return TextValue(k, *v, rule, out);
  }
  Status OptText(const char* k, Rule rule, std::optional<std::string>* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Status::Ok();
    EVIDENCE_RETURN_IF_ERROR(TextValue(k, *v, rule, &out->emplace()));
    return Status::Ok();
  }
  Status Unsigned(const char* k, std::uint64_t* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    return UnsignedValue(k, *v, out);
  }
  Status OptUnsigned(const char* k, std::optional<std::uint64_t>* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Status::Ok();
    return UnsignedValue(k, *v, &out->emplace());
  }
  Status Bool(const char* k, bool* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    if (!v->is_boolean()) return Error(k, "expected true or false");
    *out = v->get<bool>();
    return Status::Ok();
  }
  // An array of text; `non_empty` requires at least one element.
  Status TextList(const char* k, Rule rule, bool non_empty, std::vector<std::string>* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    return TextListValue(k, *v, rule, non_empty, out);
  }
  Status OptTextList(const char* k, Rule rule, bool non_empty,
                     std::optional<std::vector<std::string>>* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Status::Ok();
    return TextListValue(k, *v, rule, non_empty, &out->emplace());
  }
  Status UnsignedList(const char* k, std::vector<std::uint64_t>* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    if (!v->is_array()) return Error(k, "expected an array of unsigned integers");
    out->clear();
    for (const auto& x : *v) {
      std::uint64_t n = 0;
      EVIDENCE_RETURN_IF_ERROR(UnsignedValue(k, x, &n));
      out->push_back(n);
    }
    return Status::Ok();
  }
  // A free-form object, bounded in depth.
  Status Object(const char* k, nlohmann::json* out) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    if (!v->is_object()) return Error(k, "expected an object");
    if (Depth(*v, kMaxJsonDepth + 1) > kMaxJsonDepth) {
      return Error(k, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    *out = *v;
    return Status::Ok();
  }
  Status OptObject(const char* k, std::optional<nlohmann::json>* out) const {
    if (Find(k) == nullptr) return Status::Ok();
    return Object(k, &out->emplace());
  }

  // The fields of the object under `k` (which must be present).
  Result<Fields> Nested(const char* k) const {
    const nlohmann::json* v = Find(k);
    if (v == nullptr) return Missing(k);
    return Fields(seq_, action_, *v, prefix_ + k + ".");
  }
  bool Has(const char* k) const { return Find(k) != nullptr; }

  Status Error(std::string_view k, std::string_view problem) const {
    return Fail("field \"" + prefix_ + std::string(k) + "\": " + std::string(problem));
  }
  Status Fail(std::string_view what) const {
    return Status::Corruption("entry " + std::to_string(seq_) + " (" + std::string(action_) +
                              "): " + std::string(what));
  }

 private:
  const nlohmann::json* Find(const char* k) const {
    if (!data_.is_object()) return nullptr;
    auto it = data_.find(k);
    return it == data_.end() ? nullptr : &*it;
  }
  Status Missing(const char* k) const { return Error(k, "missing"); }
  Status TextValue(const char* k, const nlohmann::json& v, Rule rule, std::string* out) const {
    if (!v.is_string()) return Error(k, "expected a string");
    const auto& s = v.get_ref<const std::string&>();
    if (!IsValidUtf8(s)) return Error(k, "not valid UTF-8");
    if (std::string p = Problem(rule, s); !p.empty()) return Error(k, p);
    *out = s;
    return Status::Ok();
  }
  Status UnsignedValue(const char* k, const nlohmann::json& v, std::uint64_t* out) const {
    if (!v.is_number_integer() || v.is_number_float()) {
      return Error(k, "expected an unsigned integer");
    }
    // Parsed text holds a non-negative integer as unsigned; a value built in memory may hold it
    // as signed.
    if (!v.is_number_unsigned() && v.get<std::int64_t>() < 0) {
      return Error(k, "expected an unsigned integer, not a negative one");
    }
    std::uint64_t n = v.is_number_unsigned() ? v.get<std::uint64_t>()
                                             : static_cast<std::uint64_t>(v.get<std::int64_t>());
    if (n > kMaxUnsigned) return Error(k, "out of range (more than 2^63 - 1)");
    *out = n;
    return Status::Ok();
  }
  Status TextListValue(const char* k, const nlohmann::json& v, Rule rule, bool non_empty,
                       std::vector<std::string>* out) const {
    if (!v.is_array()) return Error(k, "expected an array of strings");
    if (non_empty && v.empty()) return Error(k, "must not be empty");
    out->clear();
    for (const auto& x : v) {
      std::string s;
      EVIDENCE_RETURN_IF_ERROR(TextValue(k, x, rule, &s));
      out->push_back(std::move(s));
    }
    return Status::Ok();
  }

  std::uint64_t seq_;
  std::string_view action_;
  const nlohmann::json& data_;
  std::string prefix_;
};

Status Read(const Fields& f, CaseCreated* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"case", "name", "owner", "origin", "exhibit_prefix", "format"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("case", Rule::kUuid, &p->case_uuid));
  EVIDENCE_RETURN_IF_ERROR(f.Text("name", Rule::kText, &p->name));
  EVIDENCE_RETURN_IF_ERROR(f.Text("owner", Rule::kText, &p->owner));
  EVIDENCE_RETURN_IF_ERROR(f.Text("origin", Rule::kName, &p->origin));
  if (p->origin != "evidence.case/" + p->case_uuid) {
    return f.Error("origin", "expected \"evidence.case/\" followed by the case UUID");
  }
  EVIDENCE_RETURN_IF_ERROR(f.Text("exhibit_prefix", Rule::kPrefix, &p->exhibit_prefix));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("format", &p->format));
  if (p->format != 1) return f.Error("format", "expected 1");
  return Status::Ok();
}

Status Read(const Fields& f, KeyAdded* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"key", "public_key", "fingerprint", "vkey",
                                    "previous_fingerprint", "previous_vkey", "endorsement"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("key", Rule::kKeyName, &p->key));
  EVIDENCE_RETURN_IF_ERROR(f.Text("public_key", Rule::kPublicKey, &p->public_key));
  EVIDENCE_RETURN_IF_ERROR(f.Text("fingerprint", Rule::kFingerprint, &p->fingerprint));
  EVIDENCE_RETURN_IF_ERROR(f.Text("vkey", Rule::kName, &p->vkey));
  EVIDENCE_RETURN_IF_ERROR(
      f.OptText("previous_fingerprint", Rule::kFingerprint, &p->previous_fingerprint));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("previous_vkey", Rule::kName, &p->previous_vkey));
  return f.OptText("endorsement", Rule::kSignature, &p->endorsement);
}

Status Read(const Fields& f, ItemIngested* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"item", "sha256", "size", "name", "name_hex", "kind", "media_type", "note",
               "incident", "parent", "member", "received_from", "source_entry", "bundle"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("item", Rule::kExhibit, &p->item));
  EVIDENCE_RETURN_IF_ERROR(f.Text("sha256", Rule::kSha256, &p->sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("size", &p->size));
  EVIDENCE_RETURN_IF_ERROR(f.Text("name", Rule::kName, &p->name));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("name_hex", Rule::kEvenHex, &p->name_hex));
  EVIDENCE_RETURN_IF_ERROR(f.Text("kind", Rule::kToken, &p->kind));
  EVIDENCE_RETURN_IF_ERROR(f.Text("media_type", Rule::kMediaType, &p->media_type));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("note", Rule::kText, &p->note));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("incident", Rule::kIncident, &p->incident));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("parent", Rule::kExhibit, &p->parent));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("member", Rule::kNonBlank, &p->member));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("received_from", Rule::kUuid, &p->received_from));
  EVIDENCE_RETURN_IF_ERROR(f.OptUnsigned("source_entry", &p->source_entry));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("bundle", Rule::kName, &p->bundle));
  if (p->parent && !p->member) return f.Error("member", "missing (the item has a parent)");
  if (p->received_from && (!p->source_entry || !p->bundle)) {
    return f.Error(p->source_entry ? "bundle" : "source_entry",
                   "missing (the item was received from a bundle)");
  }
  return Status::Ok();
}

Status Read(const Fields& f, ItemMetadata* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"item", "sha256", "metadata", "captured", "errors", "messages", "warnings"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("item", Rule::kExhibit, &p->item));
  EVIDENCE_RETURN_IF_ERROR(f.Text("sha256", Rule::kSha256, &p->sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Object("metadata", &p->metadata));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("captured", Rule::kTime, &p->captured));
  if (f.Has("errors")) {
    EVIDENCE_RETURN_IF_ERROR(f.TextList("errors", Rule::kText, false, &p->errors));
  }
  if (f.Has("warnings")) {
    EVIDENCE_RETURN_IF_ERROR(f.TextList("warnings", Rule::kText, false, &p->warnings));
  }
  if (!f.Has("messages")) return Status::Ok();
  EVIDENCE_ASSIGN_OR_RETURN(Fields m, f.Nested("messages"));
  MessagesSummary& s = p->messages.emplace();
  EVIDENCE_RETURN_IF_ERROR(
      m.Begin({"format", "count", "sha256", "complete", "fields", "warnings", "read_count",
               "read_unit", "unparsed_count", "first_unparsed"}));
  EVIDENCE_RETURN_IF_ERROR(m.Text("format", Rule::kToken, &s.format));
  EVIDENCE_RETURN_IF_ERROR(m.Unsigned("count", &s.count));
  EVIDENCE_RETURN_IF_ERROR(m.Text("sha256", Rule::kSha256, &s.sha256));
  EVIDENCE_RETURN_IF_ERROR(m.Bool("complete", &s.complete));
  EVIDENCE_RETURN_IF_ERROR(m.OptObject("fields", &s.fields));
  if (m.Has("warnings")) {
    EVIDENCE_RETURN_IF_ERROR(m.TextList("warnings", Rule::kText, false, &s.warnings));
  }
  EVIDENCE_RETURN_IF_ERROR(m.OptUnsigned("read_count", &s.read_count));
  EVIDENCE_RETURN_IF_ERROR(m.OptText("read_unit", Rule::kToken, &s.read_unit));
  EVIDENCE_RETURN_IF_ERROR(m.OptUnsigned("unparsed_count", &s.unparsed_count));
  EVIDENCE_RETURN_IF_ERROR(m.OptText("first_unparsed", Rule::kText, &s.first_unparsed));
  return Status::Ok();
}

Status Read(const Fields& f, ItemAnnotated* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"item", "note"}));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("item", Rule::kExhibit, &p->item));
  return f.Text("note", Rule::kNonBlank, &p->note);
}

Status Read(const Fields& f, ItemAccessed* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"item", "sha256", "purpose", "to"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("item", Rule::kExhibit, &p->item));
  EVIDENCE_RETURN_IF_ERROR(f.Text("sha256", Rule::kSha256, &p->sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Text("purpose", Rule::kToken, &p->purpose));
  return f.Text("to", Rule::kNonBlank, &p->to);
}

Status Read(const Fields& f, ItemLinked* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"item", "incident", "sha256", "messages"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("item", Rule::kExhibit, &p->item));
  EVIDENCE_RETURN_IF_ERROR(f.Text("incident", Rule::kIncident, &p->incident));
  EVIDENCE_RETURN_IF_ERROR(f.Text("sha256", Rule::kSha256, &p->sha256));
  if (!f.Has("messages")) return Status::Ok();
  EVIDENCE_RETURN_IF_ERROR(f.UnsignedList("messages", &p->messages));
  // One spelling per set of messages: a link names at least one, each once, in order.
  if (p->messages.empty()) return f.Error("messages", "is empty");
  for (std::size_t i = 1; i < p->messages.size(); ++i) {
    if (p->messages[i] <= p->messages[i - 1]) {
      return f.Error("messages", "expected strictly increasing message numbers");
    }
  }
  return Status::Ok();
}

Status Read(const Fields& f, IncidentRecorded* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"incident", "at", "until", "behaviours", "what", "where", "witnesses"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("incident", Rule::kIncident, &p->incident));
  EVIDENCE_RETURN_IF_ERROR(f.Text("at", Rule::kTimeOffset, &p->at));
  EVIDENCE_RETURN_IF_ERROR(f.OptText("until", Rule::kTimeOffset, &p->until));
  EVIDENCE_RETURN_IF_ERROR(f.TextList("behaviours", Rule::kBehaviour, true, &p->behaviours));
  EVIDENCE_RETURN_IF_ERROR(f.Text("what", Rule::kNonBlank, &p->what));
  std::optional<std::string> where;
  EVIDENCE_RETURN_IF_ERROR(f.OptText("where", Rule::kText, &where));
  p->where = where.value_or("");
  return f.TextList("witnesses", Rule::kNonBlank, false, &p->witnesses);
}

Status Read(const Fields& f, IncidentAmended* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"incident", "changes", "reason"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("incident", Rule::kIncident, &p->incident));
  EVIDENCE_ASSIGN_OR_RETURN(Fields c, f.Nested("changes"));
  EVIDENCE_RETURN_IF_ERROR(c.Begin({"at", "until", "behaviours", "what", "where", "witnesses"}));
  IncidentAccountChanges& ch = p->changes;
  EVIDENCE_RETURN_IF_ERROR(c.OptText("at", Rule::kTimeOffset, &ch.at));
  EVIDENCE_RETURN_IF_ERROR(c.OptText("until", Rule::kTimeOffset, &ch.until));
  EVIDENCE_RETURN_IF_ERROR(c.OptTextList("behaviours", Rule::kBehaviour, true, &ch.behaviours));
  EVIDENCE_RETURN_IF_ERROR(c.OptText("what", Rule::kNonBlank, &ch.what));
  EVIDENCE_RETURN_IF_ERROR(c.OptText("where", Rule::kText, &ch.where));
  EVIDENCE_RETURN_IF_ERROR(c.OptTextList("witnesses", Rule::kNonBlank, false, &ch.witnesses));
  if (ch.empty()) {
    return f.Error("changes", "changes nothing");
  }
  return f.OptText("reason", Rule::kText, &p->reason);
}

Status Read(const Fields& f, ExportCreated* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"bundle", "manifest_sha256", "items", "incidents", "recipient"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("bundle", Rule::kName, &p->bundle));
  EVIDENCE_RETURN_IF_ERROR(f.Text("manifest_sha256", Rule::kSha256, &p->manifest_sha256));
  EVIDENCE_RETURN_IF_ERROR(f.TextList("items", Rule::kExhibit, false, &p->items));
  EVIDENCE_RETURN_IF_ERROR(f.TextList("incidents", Rule::kIncident, false, &p->incidents));
  return f.OptText("recipient", Rule::kText, &p->recipient);
}

Status Read(const Fields& f, BundleVerified* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"bundle", "manifest_sha256"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("bundle", Rule::kName, &p->bundle));
  return f.Text("manifest_sha256", Rule::kSha256, &p->manifest_sha256);
}

Status Read(const Fields& f, BundleReceived* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"bundle", "manifest_sha256", "checkpoint_sha256",
                                    "checkpoint_size", "signer_fingerprint", "sender_case", "items",
                                    "custody", "custody_carried", "note"}));
  EVIDENCE_RETURN_IF_ERROR(f.Text("bundle", Rule::kName, &p->bundle));
  EVIDENCE_RETURN_IF_ERROR(f.Text("manifest_sha256", Rule::kSha256, &p->manifest_sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Text("checkpoint_sha256", Rule::kSha256, &p->checkpoint_sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("checkpoint_size", &p->checkpoint_size));
  EVIDENCE_RETURN_IF_ERROR(
      f.Text("signer_fingerprint", Rule::kFingerprint, &p->signer_fingerprint));
  EVIDENCE_RETURN_IF_ERROR(f.Text("sender_case", Rule::kUuid, &p->sender_case));
  EVIDENCE_RETURN_IF_ERROR(f.TextList("items", Rule::kExhibit, false, &p->items));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("custody", &p->custody));
  EVIDENCE_RETURN_IF_ERROR(f.UnsignedList("custody_carried", &p->custody_carried));
  return f.OptText("note", Rule::kText, &p->note);
}

Status Read(const Fields& f, TimestampAttached* p) {
  EVIDENCE_RETURN_IF_ERROR(
      f.Begin({"checkpoint_size", "checkpoint_sha256", "imprint", "root", "gen_time", "tsa",
               "serial", "policy", "nonce", "chain_checked", "token", "token_sha256"}));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("checkpoint_size", &p->checkpoint_size));
  if (p->checkpoint_size == 0) return f.Error("checkpoint_size", "must be at least 1");
  EVIDENCE_RETURN_IF_ERROR(f.Text("checkpoint_sha256", Rule::kSha256, &p->checkpoint_sha256));
  EVIDENCE_RETURN_IF_ERROR(f.Text("imprint", Rule::kSha256, &p->imprint));
  EVIDENCE_RETURN_IF_ERROR(f.Text("root", Rule::kSha256, &p->root));
  EVIDENCE_RETURN_IF_ERROR(f.Text("gen_time", Rule::kTimeUtc, &p->gen_time));
  EVIDENCE_RETURN_IF_ERROR(f.Text("tsa", Rule::kName, &p->tsa));
  EVIDENCE_RETURN_IF_ERROR(f.Text("serial", Rule::kHex, &p->serial));
  EVIDENCE_RETURN_IF_ERROR(f.Text("policy", Rule::kOid, &p->policy));
  EVIDENCE_RETURN_IF_ERROR(f.Text("nonce", Rule::kHex, &p->nonce));
  EVIDENCE_RETURN_IF_ERROR(f.Bool("chain_checked", &p->chain_checked));
  EVIDENCE_RETURN_IF_ERROR(f.Text("token", Rule::kName, &p->token));
  if (p->token != "timestamps/" + std::to_string(p->checkpoint_size) + ".tsr") {
    return f.Error("token", "expected \"timestamps/" + std::to_string(p->checkpoint_size) +
                                ".tsr\" (the token of checkpoint_size)");
  }
  return f.Text("token_sha256", Rule::kSha256, &p->token_sha256);
}

Status Read(const Fields& f, CaseEncrypted* p) {
  EVIDENCE_RETURN_IF_ERROR(f.Begin({"objects", "entries"}));
  EVIDENCE_RETURN_IF_ERROR(f.Unsigned("objects", &p->objects));
  return f.Unsigned("entries", &p->entries);
}

template <std::size_t I = 0>
Result<Payload> ParseIndex(std::uint64_t seq, std::string_view action, const nlohmann::json& data) {
  if constexpr (I == std::variant_size_v<Payload>) {
    return Status::Corruption("entry " + std::to_string(seq) + ": unknown action \"" +
                              std::string(action) + "\"");
  } else {
    using T = std::variant_alternative_t<I, Payload>;
    if (action != T::kAction) return ParseIndex<I + 1>(seq, action, data);
    EVIDENCE_ASSIGN_OR_RETURN(T value, ParseAs<T>(seq, data));
    return Payload(std::move(value));
  }
}

}  // namespace

std::string ItemIngested::RawName() const {
  if (name_hex) {
    auto b = HexDecode(*name_hex);
    if (b.ok()) return std::string(b->begin(), b->end());
  }
  return name;
}

template <typename T>
Result<T> ParseAs(std::uint64_t seq, const nlohmann::json& data) {
  T value;
  EVIDENCE_RETURN_IF_ERROR(Read(Fields(seq, T::kAction, data), &value));
  return value;
}

template Result<CaseCreated> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<KeyAdded> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ItemIngested> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ItemMetadata> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ItemAnnotated> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ItemLinked> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ItemAccessed> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<IncidentRecorded> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<IncidentAmended> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<ExportCreated> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<BundleVerified> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<BundleReceived> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<TimestampAttached> ParseAs(std::uint64_t, const nlohmann::json&);
template Result<CaseEncrypted> ParseAs(std::uint64_t, const nlohmann::json&);

Result<Payload> Parse(std::uint64_t seq, std::string_view action, const nlohmann::json& data) {
  return ParseIndex(seq, action, data);
}

Status Check(std::uint64_t seq, std::string_view action, const nlohmann::json& data) {
  return Parse(seq, action, data).status();
}

bool IsExhibitId(std::string_view s) {
  auto dash = s.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 16) return false;
  return AllOf(s.substr(0, dash), IsUpperOrDigit) && IsNumberedId(s, dash);
}

bool IsIncidentId(std::string_view s) { return s.substr(0, 4) == "INC-" && IsNumberedId(s, 3); }

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsLowerHex(s[i])) return false;
  }
  return true;
}

bool IsSha256Hex(std::string_view s) { return s.size() == 64 && AllOf(s, IsLowerHex); }

bool IsFingerprint(std::string_view s) {
  return s.substr(0, 7) == "SHA256:" && IsSha256Hex(s.substr(7));
}

bool IsRfc3339(std::string_view s, bool offset_required) {
  // 2026-03-14T18:20:00
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return false;
  }
  if (!Digits(s, 0, 4, 0, 9999) || !Digits(s, 5, 2, 1, 12) || !Digits(s, 8, 2, 1, 31) ||
      !Digits(s, 11, 2, 0, 23) || !Digits(s, 14, 2, 0, 59) || !Digits(s, 17, 2, 0, 60)) {
    return false;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start || i - start > 9) return false;
  }
  std::string_view zone = s.substr(i);
  if (zone.empty()) return !offset_required;
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
         Digits(zone, 1, 2, 0, 23) && Digits(zone, 4, 2, 0, 59);
}

}  // namespace evidence::payload
