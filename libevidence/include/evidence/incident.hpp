// The incident diary (docs/diary.md): when, where, what happened, who saw it, which
// behaviours, and the evidence that shows it. Incidents live only in the ledger: recording one
// appends `incident.recorded`, an amendment appends `incident.amended` (the original stays), and
// linking evidence appends `item.linked`. The current state is those entries folded in order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The behaviours of docs/diary.md, the words police and helplines use.
inline constexpr std::string_view kBehaviours[] = {"phone-call",
                                                   "silent-call",
                                                   "voicemail",
                                                   "text-message",
                                                   "messaging-app",
                                                   "email",
                                                   "letter",
                                                   "social-media",
                                                   "gift",
                                                   "following",
                                                   "loitering",
                                                   "watching",
                                                   "approach",
                                                   "visit-home",
                                                   "visit-work",
                                                   "entering-property",
                                                   "online-monitoring",
                                                   "publishing-material",
                                                   "account-access",
                                                   "ordering-goods",
                                                   "cancelling-services",
                                                   "complaints-to-authorities",
                                                   "contacting-others",
                                                   "property-damage",
                                                   "graffiti",
                                                   "threat",
                                                   "violence",
                                                   "other"};

bool IsBehaviour(std::string_view b);

// What the user typed for a new incident. Times are as accepted by ParseUserTime (time.hpp).
struct IncidentInput {
  std::string at;
  std::optional<std::string> until;
  std::vector<std::string> behaviours;
  std::string what;
  std::string where;
  std::vector<std::string> witnesses;
  std::vector<std::string> items;  // exhibit ids to link
};

// An amendment: only the fields given change. `reason` says why (kept in the ledger).
struct IncidentChanges {
  std::optional<std::string> at;
  std::optional<std::string> until;
  std::optional<std::vector<std::string>> behaviours;
  std::optional<std::string> what;
  std::optional<std::string> where;
  std::optional<std::vector<std::string>> witnesses;
  std::string reason;
};

struct IncidentVersion {
  std::uint64_t entry_seq = 0;
  std::string recorded;  // entry time (UTC)
  std::string action;    // incident.recorded or incident.amended
  std::string at;
  std::optional<std::string> until;
  std::vector<std::string> behaviours;
  std::string what;
  std::string where;
  std::vector<std::string> witnesses;
  std::string reason;
};

struct Incident {
  std::string id;  // INC-0001
  std::string at;  // RFC 3339 with offset
  std::optional<std::string> until;
  std::vector<std::string> behaviours;
  std::string what;
  std::string where;
  std::vector<std::string> witnesses;
  std::vector<std::string> items;         // linked exhibits, in link order
  std::vector<IncidentVersion> versions;  // original first, then each amendment
};

// The JSON form used by `incident show --json` and a bundle's incidents.json.
nlohmann::json IncidentToJson(const Incident& incident);

}  // namespace evidence
EVIDENCE_PUBLIC_END
