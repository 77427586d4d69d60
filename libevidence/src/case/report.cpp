// Case::GatherReport: the case's side of the pattern report. Rendering is report.cpp's.
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <set>

#include "case_state.hpp"
#include "evidence/time.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// The instant of an RFC 3339 time; times without a zone (from phones) count as UTC for windowing.
std::optional<std::int64_t> Instant(const std::string& t) {
  auto p = ParseUserTime(t);
  if (p.ok()) return p->unix_ms;
  return std::nullopt;
}

struct Window {
  std::optional<std::int64_t> since, until;
  bool Contains(const std::string& t) const {
    auto i = Instant(t);
    if (!i) return !since && !until;
    return (!since || *i >= *since) && (!until || *i <= *until);
  }
};

}  // namespace

Result<ReportData> Case::GatherReport(const std::optional<std::string>& since,
                                      const std::optional<std::string>& until) const {
  ReportData data;
  data.case_name = s_->info.name;
  data.case_uuid = s_->info.uuid;
  data.owner = s_->info.owner;
  data.generated = NowRfc3339();
  data.since = since;
  data.until = until;
  data.key_fingerprint = s_->info.key_fingerprint;
  Window w;
  if (since) w.since = Instant(*since);
  if (until) w.until = Instant(*until);

  EVIDENCE_ASSIGN_OR_RETURN(std::string note, LatestCheckpoint());
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint cp, ParseCheckpointNote(note));
  data.ledger_size = cp.checkpoint.size;
  data.checkpoint_root = HexEncode(cp.checkpoint.root);

  EVIDENCE_ASSIGN_OR_RETURN(auto incidents, Incidents());
  std::set<std::string> linked;
  std::vector<LinkedMessage> links;  // every incident's, so that each export is read once
  for (auto& inc : incidents) {
    if (!w.Contains(inc.at)) continue;
    linked.insert(inc.items.begin(), inc.items.end());
    links.insert(links.end(), inc.messages.begin(), inc.messages.end());
    data.incidents.push_back(std::move(inc));
  }
  EVIDENCE_ASSIGN_OR_RETURN(auto quotes, QuoteMessages(links));
  auto quote = quotes.begin();
  for (const auto& inc : data.incidents) {
    if (inc.messages.empty()) continue;
    auto end = quote + static_cast<std::ptrdiff_t>(inc.messages.size());
    data.quoted_messages[inc.id].assign(std::make_move_iterator(quote),
                                        std::make_move_iterator(end));
    quote = end;
  }

  EVIDENCE_ASSIGN_OR_RETURN(auto items, Items());
  bool whole_case = !since && !until;
  for (const auto& it : items) {
    bool in_window = whole_case || linked.count(it.exhibit) ||
                     (it.captured ? w.Contains(*it.captured) : w.Contains(it.ingested));
    if (!in_window) continue;
    data.items.push_back({it.exhibit, it.name, it.kind, it.media_type, it.size,
                          DigestHex(it.sha256), it.captured, it.ingested, it.warnings});
    if (it.captured && w.Contains(*it.captured)) {
      data.events.push_back({*it.captured, "capture", it.exhibit, it.kind + " " + it.name});
    }
  }
  EVIDENCE_RETURN_IF_ERROR(GatherMessages(w.since, w.until, &data));
  return data;
}

}  // namespace evidence
