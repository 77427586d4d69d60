#include "evidence_views.hpp"

#include <algorithm>
#include <set>
#include <span>

#include "evidence/ledger.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace {

// `needle` is already lower case.
bool Contains(std::string_view haystack, const std::string& needle) {
  return Lower(haystack).find(needle) != std::string::npos;
}

Result<CustodyLine> Line(const LedgerEntry& e) {
  auto description = DescribeLedgerEntry(e);
  if (!description.ok()) return description.status();
  return CustodyLine{e.seq, e.time, e.actor, e.action, std::move(description).value()};
}

}  // namespace

Result<EvidenceList> GatherEvidence(const Case& c, const EvidenceQuery& query) {
  auto items = c.Items();
  if (!items.ok()) return items.status();
  EvidenceList list;
  list.total = items->size();
  list.query = query;
  std::set<std::string> kinds;
  const std::string text = Lower(query.text);
  for (Item& item : *items) {
    kinds.insert(item.kind);
    if (!query.kind.empty() && item.kind != query.kind) continue;
    if (!text.empty() && !Contains(item.name, text) && !Contains(item.exhibit, text) &&
        !Contains(item.kind, text)) {
      continue;
    }
    list.items.push_back(std::move(item));
  }
  list.kinds.assign(kinds.begin(), kinds.end());
  return list;
}

Result<ItemView> GatherItem(const Case& c, std::string_view exhibit) {
  auto item = c.GetItem(exhibit);
  if (!item.ok()) return item.status();
  LogFilter f;
  f.item = item->exhibit;
  auto entries = c.Log(f);
  if (!entries.ok()) return entries.status();
  ItemView v{std::move(item).value(), {}, {}};
  for (const LedgerEntry& e : *entries) {
    auto line = Line(e);
    if (!line.ok()) return line.status();
    v.history.push_back(std::move(line).value());
  }
  auto incidents = c.Incidents();
  if (!incidents.ok()) return incidents.status();
  v.link_to = IncidentChoices(*incidents, v.item.exhibit);
  return v;
}

Result<std::vector<CustodyLine>> GatherCustody(const Case& c, std::string_view text) {
  auto entries = c.Log(LogFilter{});
  if (!entries.ok()) return entries.status();
  const std::string needle = Lower(text);
  std::vector<CustodyLine> lines;
  for (auto e = entries->rbegin(); e != entries->rend(); ++e) {
    auto line = Line(*e);
    if (!line.ok()) return line.status();
    if (!needle.empty() && !Contains(e->action, needle) && !Contains(e->actor, needle) &&
        !Contains(line->description, needle) &&
        !Contains(e->data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), needle)) {
      continue;
    }
    lines.push_back(std::move(line).value());
  }
  return lines;
}

bool LooksLikeExhibit(std::string_view id) {
  const auto dash = id.rfind('-');
  if (id.size() > 64 || dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(id[i]);
    const bool digit = ch >= '0' && ch <= '9';
    const bool letter = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    if (i > dash ? !digit : !(digit || letter || ch == '-')) return false;
  }
  return true;
}

namespace {

struct Alias {
  std::string_view sniffed;
  std::string_view served;
};

std::string_view Lookup(std::span<const Alias> table, std::string_view media_type) {
  for (const Alias& a : table) {
    if (a.sniffed == media_type) return a.served;
  }
  return {};
}

}  // namespace

std::string_view InertImageType(std::string_view media_type) {
  static constexpr Alias kTypes[] = {{"image/jpeg", "image/jpeg"},
                                     {"image/png", "image/png"},
                                     {"image/gif", "image/gif"},
                                     {"image/webp", "image/webp"}};
  return Lookup(kTypes, media_type);
}

// Only the formats of the brief's list (MP3, Ogg, WAV, MP4/M4A audio, AAC), under every name
// libmagic gives them.
std::string_view InertAudioType(std::string_view media_type) {
  static constexpr Alias kTypes[] = {
      {"audio/mpeg", "audio/mpeg"},        {"audio/ogg", "audio/ogg"},
      {"audio/wav", "audio/wav"},          {"audio/x-wav", "audio/wav"},
      {"audio/wave", "audio/wav"},         {"audio/vnd.wave", "audio/wav"},
      {"audio/mp4", "audio/mp4"},          {"audio/x-m4a", "audio/mp4"},
      {"audio/aac", "audio/aac"},          {"audio/x-aac", "audio/aac"},
      {"audio/x-hx-aac-adts", "audio/aac"}};
  return Lookup(kTypes, media_type);
}

}  // namespace evidence::app
