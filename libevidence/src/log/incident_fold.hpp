// Incidents as their ledger entries build them (docs/diary.md): `incident.recorded` starts one,
// each `incident.amended` adds a version, `item.linked` (and an `item.ingested` that names an
// incident) links an exhibit. The case's diary and verify-bundle's check of incidents.json both
// fold through this, so the two can never disagree about what an incident is.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "evidence/incident.hpp"
#include "ledger_payloads.hpp"

namespace evidence {

// Feed entries in ledger order. Entries about an incident that no earlier entry records are
// skipped: reading shows what the ledger supports, and verify reports the dangling reference.
class IncidentFold {
 public:
  // A second record of the same id replaces the first (verify reports it).
  void Recorded(const payload::IncidentRecorded& p, std::uint64_t seq, const std::string& time);
  void Amended(const payload::IncidentAmended& p, std::uint64_t seq, const std::string& time);
  // Links `item` once, in first-link order, and each of its `messages` (Message::index) once.
  void Linked(const std::string& incident, const std::string& item,
              const std::vector<std::uint64_t>& messages = {});

  // By id.
  std::map<std::string, Incident>& incidents() { return by_id_; }

 private:
  std::map<std::string, Incident> by_id_;
};

// The first message of `link` that its export does not hold, as a finding: "links message 999
// of exhibit EX-0001, which holds 452 messages", where `count` is the number of messages the
// export's signed item.metadata entry records (numbers run from 0 to count - 1, docs/diary.md
// "Linking messages"). "" when it holds them all. `verify` and `verify-bundle` both say it so.
std::string MessageBeyondExport(const payload::ItemLinked& link, std::uint64_t count);

}  // namespace evidence
