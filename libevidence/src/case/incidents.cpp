// The incident diary: recorded, amended and linked only by appending ledger entries, and read back
// by folding those entries in order.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "case_state.hpp"
#include "entry_rows.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/time.hpp"
#include "incident_fold.hpp"
#include "ledger_payloads.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// A diary entry may be written a little after the fact but never before it; a minute of slack
// covers "now" typed by a person.
constexpr std::int64_t kFutureSlackMs = 60 * 1000;

// `field` names the input (IncidentInput / IncidentChanges) for Status::argument(): the CLI
// turns it into its flag.
Result<std::string> ValidTime(const std::string& text, const char* field) {
  auto t = ParseRecordedTime(text);
  if (!t.ok()) return t.status().AboutArgument(field);
  if (t->unix_ms > NowUnixMs() + kFutureSlackMs) {
    return Status::InvalidArgument(text + " is in the future; a diary records what has happened")
        .AboutArgument(field);
  }
  return FormatWithOffset(t->unix_ms, t->offset_minutes);
}

Status CheckOrder(const std::string& at, const std::optional<std::string>& until) {
  if (!until) return Status::Ok();
  auto a = ParseUserTime(at);
  auto u = ParseUserTime(*until);
  if (a.ok() && u.ok() && u->unix_ms < a->unix_ms) {
    return Status::InvalidArgument("the incident's end " + *until + " is before its start " + at)
        .AboutArgument("until");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ValidBehaviours(const std::vector<std::string>& in) {
  if (in.empty()) {
    return Status::InvalidArgument("an incident needs at least one behaviour")
        .AboutArgument("behaviours");
  }
  std::vector<std::string> out;
  for (const auto& b : in) {
    if (!IsBehaviour(b)) {
      std::string all;
      for (auto k : kBehaviours) all += (all.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("unknown behaviour \"" + b + "\" (one of: " + all + ")")
          .AboutArgument("behaviours");
    }
    if (std::find(out.begin(), out.end(), b) == out.end()) out.push_back(b);
  }
  return out;
}

// `label` names the text in the message ("the account"), `field` the input it came from.
Status ValidText(const std::string& s, const char* field, const char* label, bool required) {
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument(std::string(label) + " must not be empty").AboutArgument(field);
  }
  if (!IsValidUtf8(s)) {
    return Status::InvalidArgument(std::string(label) + " is not valid UTF-8").AboutArgument(field);
  }
  return Status::Ok();
}

// Orders incidents by the instant they happened, then by id.
std::int64_t InstantOf(const std::string& at) {
  auto t = ParseUserTime(at);
  return t.ok() ? t->unix_ms : 0;
}

}  // namespace

Result<std::vector<Incident>> Case::Incidents() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st,
      s_->db.Prepare("SELECT seq, entry FROM entries WHERE action IN ('incident.recorded', "
                     "'incident.amended', 'item.linked') OR (action = 'item.ingested' AND incident "
                     "IS NOT NULL) ORDER BY seq"));
  IncidentFold fold;
  EVIDENCE_RETURN_IF_ERROR(ForEachEntry(st, [&](std::uint64_t, const LedgerEntry& e, ByteView) {
    EVIDENCE_ASSIGN_OR_RETURN(payload::Payload p, payload::Parse(e));
    if (const auto* rec = std::get_if<payload::IncidentRecorded>(&p)) {
      fold.Recorded(*rec, e.seq, e.time);
    } else if (const auto* am = std::get_if<payload::IncidentAmended>(&p)) {
      fold.Amended(*am, e.seq, e.time);
    } else if (const auto* link = std::get_if<payload::ItemLinked>(&p)) {
      fold.Linked(link->incident, link->item, link->messages);
    } else if (const auto* ing = std::get_if<payload::ItemIngested>(&p); ing && ing->incident) {
      fold.Linked(*ing->incident, ing->item);
    }
    return Status::Ok();
  }));
  std::vector<Incident> out;
  for (auto& [id, inc] : fold.incidents()) out.push_back(std::move(inc));
  std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) {
    return InstantOf(a.at) < InstantOf(b.at);
  });
  return out;
}

Result<Incident> Case::GetIncident(std::string_view id) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto all, Incidents());
  for (auto& inc : all) {
    if (inc.id.size() == id.size() &&
        std::equal(inc.id.begin(), inc.id.end(), id.begin(),
                   [](char a, char b) { return std::toupper(a) == std::toupper(b); })) {
      return std::move(inc);
    }
  }
  return Status::NotFound("no incident " + std::string(id) + " in this case");
}

Result<std::string> Case::RecordIncident(const IncidentInput& in) {
  EVIDENCE_ASSIGN_OR_RETURN(std::string at, ValidTime(in.at, "at"));
  std::optional<std::string> until;
  if (in.until) {
    EVIDENCE_ASSIGN_OR_RETURN(until, ValidTime(*in.until, "until"));
    EVIDENCE_RETURN_IF_ERROR(CheckOrder(at, until));
  }
  EVIDENCE_ASSIGN_OR_RETURN(auto behaviours, ValidBehaviours(in.behaviours));
  EVIDENCE_RETURN_IF_ERROR(ValidText(in.what, "what", "the account", true));
  EVIDENCE_RETURN_IF_ERROR(ValidText(in.where, "where", "the place", false));
  for (const auto& w : in.witnesses)
    EVIDENCE_RETURN_IF_ERROR(ValidText(w, "witnesses", "a witness", true));
  std::vector<Item> items;
  for (const auto& x : in.items) {
    EVIDENCE_ASSIGN_OR_RETURN(Item item, GetItem(x));
    items.push_back(std::move(item));
  }
  EVIDENCE_RETURN_IF_ERROR(Unlock());

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  EVIDENCE_ASSIGN_OR_RETURN(
      auto count,
      s_->db.Prepare("SELECT count(*) FROM entries WHERE action = 'incident.recorded'"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, count.Step());
  (void)row;
  char id[32];
  std::snprintf(id, sizeof id, "INC-%04lld", static_cast<long long>(count.ColumnInt(0) + 1));
  nlohmann::json data = {{"incident", id},
                         {"at", at},
                         {"behaviours", behaviours},
                         {"what", in.what},
                         {"witnesses", in.witnesses}};
  if (until) data["until"] = *until;
  if (!in.where.empty()) data["where"] = in.where;
  EVIDENCE_RETURN_IF_ERROR(
      s_->AppendEntry("incident.recorded", data, std::nullopt, std::string(id)).status());
  std::set<std::string> linked;
  for (const auto& item : items) {
    if (!linked.insert(item.exhibit).second) continue;
    nlohmann::json link = {
        {"item", item.exhibit}, {"incident", id}, {"sha256", DigestHex(item.sha256)}};
    EVIDENCE_RETURN_IF_ERROR(
        s_->AppendEntry("item.linked", link, item.exhibit, std::string(id)).status());
  }
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  return std::string(id);
}

Status Case::AmendIncident(std::string_view id, const IncidentChanges& ch) {
  EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(id));
  nlohmann::json changes = nlohmann::json::object();
  std::string at = inc.at;
  std::optional<std::string> until = inc.until;
  if (ch.at) {
    EVIDENCE_ASSIGN_OR_RETURN(at, ValidTime(*ch.at, "at"));
    changes["at"] = at;
  }
  if (ch.until) {
    EVIDENCE_ASSIGN_OR_RETURN(until, ValidTime(*ch.until, "until"));
    changes["until"] = *until;
  }
  EVIDENCE_RETURN_IF_ERROR(CheckOrder(at, until));
  if (ch.behaviours) {
    EVIDENCE_ASSIGN_OR_RETURN(auto b, ValidBehaviours(*ch.behaviours));
    changes["behaviours"] = b;
  }
  if (ch.what) {
    EVIDENCE_RETURN_IF_ERROR(ValidText(*ch.what, "what", "the account", true));
    changes["what"] = *ch.what;
  }
  if (ch.where) {
    EVIDENCE_RETURN_IF_ERROR(ValidText(*ch.where, "where", "the place", false));
    changes["where"] = *ch.where;
  }
  if (ch.witnesses) {
    for (const auto& w : *ch.witnesses)
      EVIDENCE_RETURN_IF_ERROR(ValidText(w, "witnesses", "a witness", true));
    changes["witnesses"] = *ch.witnesses;
  }
  if (changes.empty()) {
    return Status::InvalidArgument(inc.id + ": nothing to change").AboutArgument("changes");
  }
  EVIDENCE_RETURN_IF_ERROR(ValidText(ch.reason, "reason", "the reason", false));
  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  nlohmann::json data = {{"incident", inc.id}, {"changes", changes}};
  if (!ch.reason.empty()) data["reason"] = ch.reason;
  EVIDENCE_RETURN_IF_ERROR(
      s_->AppendEntry("incident.amended", data, std::nullopt, inc.id).status());
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  return txn.Commit();
}

Status Case::LinkItems(std::string_view incident, const std::vector<std::string>& exhibits) {
  EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(incident));
  std::vector<Item> items;
  for (const auto& x : exhibits) {
    EVIDENCE_ASSIGN_OR_RETURN(Item item, GetItem(x));
    bool already = std::find(inc.items.begin(), inc.items.end(), item.exhibit) != inc.items.end();
    bool twice = std::any_of(items.begin(), items.end(),
                             [&](const Item& i) { return i.exhibit == item.exhibit; });
    if (!already && !twice) items.push_back(std::move(item));
  }
  if (items.empty()) return Status::Ok();
  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  for (const auto& item : items) {
    nlohmann::json link = {
        {"item", item.exhibit}, {"incident", inc.id}, {"sha256", DigestHex(item.sha256)}};
    EVIDENCE_RETURN_IF_ERROR(s_->AppendEntry("item.linked", link, item.exhibit, inc.id).status());
  }
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  return txn.Commit();
}

Status Case::LinkMessages(std::string_view incident, std::string_view exhibit,
                          const std::vector<std::uint64_t>& indices) {
  EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(incident));
  EVIDENCE_ASSIGN_OR_RETURN(Item item, GetItem(exhibit));
  if (indices.empty()) {
    return Status::InvalidArgument("no message to link").AboutArgument("messages");
  }
  MessageFilter f;
  f.item = item.exhibit;
  EVIDENCE_ASSIGN_OR_RETURN(auto held, Messages(f));
  if (held.empty()) {
    return Status::InvalidArgument(item.exhibit + " holds no messages").AboutArgument("messages");
  }
  // A set, so that linking a long range of a long chat stays one pass over each.
  std::set<std::uint64_t> held_indices;
  for (const StoredMessage& m : held) held_indices.insert(m.message.index);
  std::set<std::uint64_t> wanted(indices.begin(), indices.end());
  for (std::uint64_t index : wanted) {
    if (!held_indices.count(index)) {
      return Status::InvalidArgument(item.exhibit + " has no message " + std::to_string(index) +
                                     " (it holds " + std::to_string(held.size()) + ")")
          .AboutArgument("messages");
    }
  }
  for (const LinkedMessage& m : inc.messages) {
    if (m.item == item.exhibit) wanted.erase(m.index);
  }
  if (wanted.empty()) return Status::Ok();
  EVIDENCE_RETURN_IF_ERROR(Unlock());
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  nlohmann::json link = {{"item", item.exhibit},
                         {"incident", inc.id},
                         {"sha256", DigestHex(item.sha256)},
                         {"messages", std::vector<std::uint64_t>(wanted.begin(), wanted.end())}};
  EVIDENCE_RETURN_IF_ERROR(s_->AppendEntry("item.linked", link, item.exhibit, inc.id).status());
  EVIDENCE_RETURN_IF_ERROR(s_->SealLocked());
  return txn.Commit();
}

}  // namespace evidence
