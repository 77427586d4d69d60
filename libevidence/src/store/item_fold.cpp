#include "item_fold.hpp"

#include <algorithm>

#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"

namespace evidence {

namespace {

const std::string* Str(const nlohmann::json& d, const char* key) {
  auto it = d.find(key);
  if (it == d.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

}  // namespace

std::string CanonicalExhibitId(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void ItemFold::Add(const LedgerEntry& e, std::vector<std::string>* problems) {
  const nlohmann::json& d = e.data;
  const std::string label = "entry " + std::to_string(e.seq) + " (" + e.action + ")";
  auto bad = [&](const std::string& what) {
    if (problems) problems->push_back(label + ": " + what);
  };
  if (e.action == "item.ingested") {
    const std::string *item = Str(d, "item"), *sha = Str(d, "sha256"), *name = Str(d, "name"),
                      *kind = Str(d, "kind"), *media_type = Str(d, "media_type");
    auto size = d.find("size");
    if (!item || !sha || !name || !kind || !media_type || size == d.end() ||
        !size->is_number_unsigned()) {
      return bad("item, sha256, size, name, kind or media_type is missing or of the wrong type");
    }
    auto digest = DigestFromHex(*sha);
    if (!digest.ok()) return bad("malformed sha256");
    Item it;
    it.exhibit = *item;
    it.sha256 = *digest;
    it.size = size->get<std::uint64_t>();
    it.raw_name = *name;
    if (const std::string* hex = Str(d, "name_hex")) {
      auto raw = HexDecode(*hex);
      if (!raw.ok()) return bad("malformed name_hex");
      it.raw_name.assign(raw->begin(), raw->end());
    }
    it.name = LossyUtf8(it.raw_name);
    it.kind = *kind;
    it.media_type = *media_type;
    it.ingested = e.time;
    if (const std::string* note = Str(d, "note")) it.note = *note;
    if (const std::string* parent = Str(d, "parent")) it.parent = *parent;
    it.entry_seq = e.seq;
    const std::string* from = Str(d, "received_from");
    const std::string* bundle = Str(d, "bundle");
    if (from && bundle) received_in_[it.exhibit] = *bundle;
    // A second ingest of one exhibit is a failure `verify` reports; the first stays.
    items_.emplace(it.exhibit, std::move(it));
  } else if (e.action == "item.metadata") {
    const std::string* item = Str(d, "item");
    if (!item) return bad("item is missing or not a string");
    auto it = items_.find(*item);
    if (it == items_.end()) return;  // `verify` reports metadata for an unknown exhibit
    auto meta = d.find("metadata");
    it->second.metadata = meta != d.end() && meta->is_object() ? *meta : nlohmann::json::object();
    const std::string* captured = Str(d, "captured");
    it->second.captured =
        captured ? std::optional<std::string>(*captured) : std::optional<std::string>();
    it->second.warnings.clear();
    auto warnings = d.find("warnings");
    if (warnings != d.end() && warnings->is_array()) {
      for (const auto& w : *warnings) {
        if (w.is_string()) it->second.warnings.push_back(w.get<std::string>());
      }
    }
    with_metadata_[*item] = true;
  } else if (e.action == "bundle.received") {
    // An item received with this bundle carries the receiver's note, recorded once for all.
    const std::string* note = Str(d, "note");
    const std::string* bundle = Str(d, "bundle");
    auto items = d.find("items");
    if (!note || !bundle || items == d.end() || !items->is_array()) return;
    for (const auto& x : *items) {
      if (!x.is_string()) continue;
      auto received = received_in_.find(x.get<std::string>());
      if (received == received_in_.end() || received->second != *bundle) continue;
      items_.at(received->first).note = *note;
      received_in_.erase(received);
    }
  }
}

std::vector<Item> ItemFold::InOrder() const {
  std::vector<Item> out;
  out.reserve(items_.size());
  for (const auto& [exhibit, it] : items_) out.push_back(it);
  std::sort(out.begin(), out.end(),
            [](const Item& a, const Item& b) { return a.entry_seq < b.entry_seq; });
  return out;
}

}  // namespace evidence
