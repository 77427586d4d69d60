#include "evidence/ledger.hpp"

#include "evidence/canonical_json.hpp"
#include "evidence/time.hpp"
#include "ledger_payloads.hpp"
#include "status_macros.hpp"

namespace evidence {

bool IsLedgerAction(std::string_view action) {
  for (auto a : kLedgerActions) {
    if (a == action) return true;
  }
  return false;
}

Result<std::string> LedgerEntry::Encode() const {
  nlohmann::json j = {{"v", 1},         {"seq", seq},       {"time", time},
                      {"actor", actor}, {"action", action}, {"data", data}};
  return CanonicalJson(j);
}

Result<LedgerEntry> ParseLedgerEntry(std::string_view bytes) {
  auto parsed = ParseCanonicalJson(bytes);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return Status::Corruption("entry is not a JSON object");
  if (j.size() != 6)
    return Status::Corruption("entry must have exactly v, seq, time, actor, action, data");
  auto field = [&](const char* name) -> const nlohmann::json* {
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
  };
  const auto *v = field("v"), *seq = field("seq"), *time = field("time"), *actor = field("actor"),
             *action = field("action"), *data = field("data");
  if (!v || !v->is_number_integer() || *v != 1) return Status::Corruption("entry version is not 1");
  if (!seq || !seq->is_number_unsigned()) return Status::Corruption("entry seq is not a number");
  if (!time || !time->is_string()) return Status::Corruption("entry time is not a string");
  if (!actor || !actor->is_string()) return Status::Corruption("entry actor is not a string");
  if (!action || !action->is_string()) return Status::Corruption("entry action is not a string");
  if (!data || !data->is_object()) return Status::Corruption("entry data is not an object");
  LedgerEntry e;
  e.seq = seq->get<std::uint64_t>();
  e.time = time->get<std::string>();
  e.actor = actor->get<std::string>();
  e.action = action->get<std::string>();
  e.data = *data;
  if (!IsLedgerAction(e.action)) return Status::Corruption("unknown action \"" + e.action + "\"");
  // Every reader gets a payload that was checked (docs/case-format.md "Ledger entries").
  EVIDENCE_RETURN_IF_ERROR(payload::Check(e.seq, e.action, e.data));
  return e;
}

std::string NowRfc3339() { return FormatUtc(NowUnixMs()); }

}  // namespace evidence
