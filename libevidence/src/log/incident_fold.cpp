#include "incident_fold.hpp"

#include <algorithm>
#include <utility>

namespace evidence {

namespace {

IncidentVersion VersionOf(const Incident& inc, std::uint64_t seq, const std::string& time,
                          std::string_view action, std::string reason) {
  IncidentVersion v;
  static_cast<IncidentAccount&>(v) = inc;
  v.entry_seq = seq;
  v.recorded = time;
  v.action = std::string(action);
  v.reason = std::move(reason);
  return v;
}

}  // namespace

void IncidentFold::Recorded(const payload::IncidentRecorded& p, std::uint64_t seq,
                            const std::string& time) {
  Incident inc;
  static_cast<IncidentAccount&>(inc) = p;
  inc.id = p.incident;
  inc.versions.push_back(VersionOf(inc, seq, time, p.kAction, ""));
  by_id_[inc.id] = std::move(inc);
}

void IncidentFold::Amended(const payload::IncidentAmended& p, std::uint64_t seq,
                           const std::string& time) {
  auto it = by_id_.find(p.incident);
  if (it == by_id_.end()) return;
  Incident& inc = it->second;
  p.changes.ApplyTo(&inc);
  inc.versions.push_back(VersionOf(inc, seq, time, p.kAction, p.reason.value_or("")));
}

void IncidentFold::Linked(const std::string& incident, const std::string& item,
                          const std::vector<std::uint64_t>& messages) {
  auto it = by_id_.find(incident);
  if (it == by_id_.end()) return;
  auto& items = it->second.items;
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
  auto& linked = it->second.messages;
  for (std::uint64_t index : messages) {
    if (std::none_of(linked.begin(), linked.end(),
                     [&](const LinkedMessage& m) { return m.item == item && m.index == index; })) {
      linked.push_back({item, index});
    }
  }
}

std::string MessageBeyondExport(const payload::ItemLinked& link, std::uint64_t count) {
  for (std::uint64_t index : link.messages) {
    if (index >= count) {
      return "links message " + std::to_string(index) + " of exhibit " + link.item +
             ", which holds " + std::to_string(count) + " messages";
    }
  }
  return "";
}

}  // namespace evidence
