// What the Evidence, item and Custody pages show, gathered through the public Case API with the
// same calls as `evidence list`, `show` and `log` (tools/cmd_case.cpp), so that the page builders
// in evidence_pages.hpp stay free of I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/item.hpp"
#include "evidence/status.hpp"
#include "message_views.hpp"

namespace evidence::app {

// The list's filter, from the query string of GET /evidence. Both empty: every item.
struct EvidenceQuery {
  std::string text;  // case-insensitive substring of the name, exhibit or kind
  std::string kind;  // exactly this kind
};

struct EvidenceList {
  std::vector<Item> items;         // those the query selects, in exhibit order
  std::vector<std::string> kinds;  // every kind in the case, for the select
  std::size_t total = 0;           // items in the case
  EvidenceQuery query;
};

Result<EvidenceList> GatherEvidence(const Case& c, const EvidenceQuery& query);

// One ledger entry in words, as `evidence log` prints it.
struct CustodyLine {
  std::uint64_t seq = 0;
  std::string time;
  std::string actor;
  std::string action;
  std::string description;  // DescribeLedgerEntry
};

struct ItemView {
  Item item;
  std::vector<CustodyLine> history;     // the entries about the item, oldest first
  std::vector<IncidentChoice> link_to;  // the diary entries it is not linked to yet
};

// kNotFound for an exhibit the case does not have.
Result<ItemView> GatherItem(const Case& c, std::string_view exhibit);

// Every ledger entry, newest first; with `text`, only those whose action, actor, data or
// description contains it (case-insensitive).
Result<std::vector<CustodyLine>> GatherCustody(const Case& c, std::string_view text);

// Whether `id` has the shape of an exhibit id (a prefix, '-', digits): anything else in the URL
// is answered with "no such page" before the case is asked.
bool LooksLikeExhibit(std::string_view id);

// Media types the browser shows without running anything (docs/app.md "Evidence files"): only
// these are served under their own type, shown as a picture or played. `media_type` is the one
// sniffed at ingest (libmagic's name); the result is the standard name browsers know for the same
// format (libmagic says "audio/x-wav" for a WAV file, browsers play "audio/wav"), or empty when
// the type is not one of them.
std::string_view InertImageType(std::string_view media_type);
std::string_view InertAudioType(std::string_view media_type);
inline bool IsInertImage(std::string_view t) { return !InertImageType(t).empty(); }
inline bool IsInertAudio(std::string_view t) { return !InertAudioType(t).empty(); }

}  // namespace evidence::app
