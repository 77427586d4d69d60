// The incident diary (docs/diary.md): when, where, what happened, who saw it, which
// behaviours, and the evidence that shows it. Incidents live only in the ledger: recording one
// appends `incident.recorded`, an amendment appends `incident.amended` (the original stays), and
// linking evidence appends `item.linked`. The current state is those entries folded in order.
#pragma once

#include <cstdint>
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

// What `behaviour` (a word of kBehaviours) is for, in plain words for a person choosing, as
// docs/diary.md's table gives it ("an unwanted gift or item left or sent"); "" for a word that
// is not in kBehaviours. The CLI (`incident behaviours`) and the app show the same words.
std::string_view BehaviourDescription(std::string_view behaviour);

// The account of an incident: the fields a diary entry records and an amendment may change.
// It is written once, here: the ledger payloads, the case's fold of its entries, a bundle's
// incidents.json and the report all hold these fields through this struct. Times are RFC 3339
// with the offset the user gave or had (as accepted by ParseUserTime, time.hpp).
struct IncidentAccount {
  std::string at;
  std::optional<std::string> until;
  std::vector<std::string> behaviours;  // each in kBehaviours
  std::string what;
  std::string where;  // "" when not given
  std::vector<std::string> witnesses;
};

// The fields an amendment changes: only those present change.
struct IncidentAccountChanges {
  std::optional<std::string> at;
  std::optional<std::string> until;
  std::optional<std::vector<std::string>> behaviours;
  std::optional<std::string> what;
  std::optional<std::string> where;
  std::optional<std::vector<std::string>> witnesses;

  bool empty() const { return !at && !until && !behaviours && !what && !where && !witnesses; }
  void ApplyTo(IncidentAccount* account) const {
    if (at) account->at = *at;
    if (until) account->until = *until;
    if (behaviours) account->behaviours = *behaviours;
    if (what) account->what = *what;
    if (where) account->where = *where;
    if (witnesses) account->witnesses = *witnesses;
  }
};

// What the user typed for a new incident.
struct IncidentInput : IncidentAccount {
  std::vector<std::string> items;  // exhibit ids to link
};

// An amendment. `reason` says why (kept in the ledger).
struct IncidentChanges : IncidentAccountChanges {
  std::string reason;
};

// One version of the account, oldest first: the original, then each amendment. Each version is
// the whole account as it stood after that entry, not only the changed fields.
struct IncidentVersion : IncidentAccount {
  std::uint64_t entry_seq = 0;
  std::string recorded;  // entry time (UTC)
  std::string action;    // incident.recorded or incident.amended
  std::string reason;    // why it was amended; "" for the original or when none was given
};

// One message linked to an incident (Case::LinkMessages): the export's exhibit and the
// message's Message::index in it. What it says is read from the case (Case::Messages).
struct LinkedMessage {
  std::string item;
  std::uint64_t index = 0;
};

// A linked message with what the case holds of it (Case::QuoteMessages): what `incident show`,
// the pattern report and the app quote under the incident.
struct LinkedMessageQuote : LinkedMessage {
  // False when the case holds no such message (verify names the link); the fields below are then
  // empty.
  bool found = false;
  std::optional<std::string> time;  // as the export wrote it (Message::time)
  std::string sender;               // "" when the export names no sender
  std::string text;
};

// An incident as its entries build it: the current account (the latest version's), its id, the
// exhibits linked to it and every version.
struct Incident : IncidentAccount {
  std::string id;                         // INC-0001
  std::vector<std::string> items;         // linked exhibits, in link order
  std::vector<IncidentVersion> versions;  // original first, then each amendment
  // Messages linked one by one, in link order, each once; their exports are in `items` too.
  std::vector<LinkedMessage> messages;
};

// The JSON form used by `incident list --json` and a bundle's incidents.json; each linked message
// is {"item", "index"}.
nlohmann::json IncidentToJson(const Incident& incident);
// The same with each linked message quoted (`incident show --json`): {"item", "index", "time"
// (when the export gives one), "sender", "text"}, only "item" and "index" for a message the case
// does not hold; the report's JSON quotes them alike. `quotes`: incident.messages', in order.
nlohmann::json IncidentToJson(const Incident& incident,
                              const std::vector<LinkedMessageQuote>& quotes);

}  // namespace evidence
EVIDENCE_PUBLIC_END
