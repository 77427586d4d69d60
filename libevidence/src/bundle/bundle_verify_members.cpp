#include "bundle_verify_members.hpp"

#include <cctype>

#include "bundle_format.hpp"
#include "ledger_payloads.hpp"

namespace evidence::bundle_internal {

namespace {

using bundle_format::kIncidents;
using bundle_format::kItems;
using bundle_format::kKeys;

Result<nlohmann::json> ParseArray(std::string_view text, const std::string& member) {
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Corruption(member + ": not valid JSON");
  if (!doc.is_array()) {
    return Status::Corruption(member + ": is " + std::string(doc.type_name()) +
                              ", not a JSON array");
  }
  return doc;
}

std::string Element(const std::string& member, std::size_t i) {
  return member + " element " + std::to_string(i);
}

}  // namespace

Result<std::vector<BundleItem>> ParseItemsJson(std::string_view text) {
  auto doc = ParseArray(text, kItems);
  if (!doc.ok()) return doc.status();
  std::vector<BundleItem> out;
  for (std::size_t i = 0; i < doc->size(); ++i) {
    JsonFields f((*doc)[i], Element(kItems, i));
    BundleItem it;
    it.exhibit = f.Str("exhibit");
    if (f.ok() && !payload::IsExhibitId(it.exhibit)) f.Problem("exhibit", "is not an exhibit id");
    if (f.ok()) f.Rename(Element(kItems, i) + " (" + it.exhibit + ")");
    it.path = f.Str("path");
    it.name = f.Str("name");
    it.name_hex = f.OptStr("name_hex");
    it.sha256 = f.Hex64("sha256");
    it.size = f.U64("size");
    it.media_type = f.Str("media_type");
    it.kind = f.Str("kind");
    it.captured = f.StrOrNull("captured");
    it.ingested = f.Str("ingested");
    it.entry = f.U64("entry");
    it.parent = f.OptStr("parent");
    it.note = f.OptStr("note");
    if (const nlohmann::json* m = f.Object("metadata")) it.metadata = *m;
    if (!f.ok()) return f.status();
    out.push_back(std::move(it));
  }
  return out;
}

namespace {

// "messages" of one incidents.json element, when it has one.
void ParseLinkedMessages(const nlohmann::json& element, BundleIncident* inc, JsonFields* f) {
  if (!element.is_object() || !element.contains("messages")) return;
  const nlohmann::json* messages = f->Array("messages");
  if (messages == nullptr) return;
  inc->lists_messages = true;
  for (std::size_t k = 0; k < messages->size() && f->ok(); ++k) {
    JsonFields m((*messages)[k], "element " + std::to_string(k));
    LinkedMessage link;
    link.item = m.Str("item");
    link.index = m.U64("index");
    if (!m.ok()) f->Problem("messages", m.problem());
    inc->messages.push_back(std::move(link));
  }
}

}  // namespace

Result<std::vector<BundleIncident>> ParseIncidentsJson(std::string_view text) {
  auto doc = ParseArray(text, kIncidents);
  if (!doc.ok()) return doc.status();
  std::vector<BundleIncident> out;
  for (std::size_t i = 0; i < doc->size(); ++i) {
    JsonFields f((*doc)[i], Element(kIncidents, i));
    BundleIncident inc;
    inc.id = f.Str("id");
    if (f.ok()) f.Rename(Element(kIncidents, i) + " (" + inc.id + ")");
    inc.at = f.Str("at");
    inc.until = f.StrOrNull("until");
    inc.behaviours = f.Strings("behaviours");
    inc.what = f.Str("what");
    inc.where = f.Str("where");
    inc.witnesses = f.Strings("witnesses");
    inc.items = f.Strings("items");
    ParseLinkedMessages((*doc)[i], &inc, &f);
    const nlohmann::json* versions = f.Array("versions");
    if (versions != nullptr && versions->empty()) f.Problem("versions", "is empty");
    if (!f.ok()) return f.status();
    for (std::size_t k = 0; k < versions->size(); ++k) {
      JsonFields v((*versions)[k],
                   Element(kIncidents, i) + " (" + inc.id + ") version " + std::to_string(k));
      IncidentVersion ver;
      ver.entry_seq = v.U64("entry");
      ver.recorded = v.Str("recorded");
      ver.action = v.Str("action");
      ver.at = v.Str("at");
      ver.until = v.OptStr("until");
      ver.behaviours = v.Strings("behaviours");
      ver.what = v.Str("what");
      ver.where = v.Str("where");
      ver.witnesses = v.Strings("witnesses");
      ver.reason = v.OptStr("reason").value_or("");
      if (!v.ok()) return v.status();
      inc.versions.push_back(std::move(ver));
    }
    out.push_back(std::move(inc));
  }
  return out;
}

Result<BundleProofs> ParseProofsJson(std::string_view text, const std::string& path) {
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Corruption(path + ": not valid JSON");
  JsonFields f(doc, path);
  BundleProofs out;
  out.tree_size = f.U64("tree_size");
  const nlohmann::json* entries = f.Array("entries");
  if (!f.ok()) return f.status();
  for (std::size_t i = 0; i < entries->size(); ++i) {
    JsonFields e((*entries)[i], path + " element " + std::to_string(i));
    ProofElement p;
    p.seq = e.U64("seq");
    p.leaf_hash = e.Digest("leaf_hash", /*required=*/false);
    p.inclusion_path = e.Digests("inclusion_path");
    p.problem = e.problem();
    out.entries.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ConsistencyElement>> ParseConsistencyJson(std::string_view text,
                                                             const std::string& path) {
  auto doc = ParseArray(text, path);
  if (!doc.ok()) return doc.status();
  std::vector<ConsistencyElement> out;
  for (std::size_t i = 0; i < doc->size(); ++i) {
    JsonFields f((*doc)[i], Element(path, i));
    ConsistencyElement c;
    c.from_size = f.U64("from_size");
    c.from_root = f.Digest("from_root", /*required=*/true).value_or(Sha256Digest{});
    c.to_size = f.U64("to_size");
    c.path = f.Digests("path");
    c.problem = f.problem();
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<BundleKey>> ParseKeysJson(std::string_view text) {
  auto doc = ParseArray(text, kKeys);
  if (!doc.ok()) return doc.status();
  std::vector<BundleKey> out;
  for (std::size_t i = 0; i < doc->size(); ++i) {
    JsonFields f((*doc)[i], Element(kKeys, i));
    BundleKey k;
    k.entry = f.U64("entry");
    k.key = f.Str("key");
    k.fingerprint = f.Str("fingerprint");
    k.public_key_pem = f.Str("public_key_pem");
    k.endorsed_by = f.OptStr("endorsed_by");
    if (!f.ok()) return f.status();
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace evidence::bundle_internal
