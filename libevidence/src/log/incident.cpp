// The definitions of evidence/incident.hpp: the diary's vocabulary, which the ledger payloads
// check (ledger_payloads.cpp) and every reader of incidents shares.
#include "evidence/incident.hpp"

#include <algorithm>
#include <iterator>

namespace evidence {

bool IsBehaviour(std::string_view b) {
  return std::find(std::begin(kBehaviours), std::end(kBehaviours), b) != std::end(kBehaviours);
}

nlohmann::json IncidentToJson(const Incident& inc) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& v : inc.versions) {
    nlohmann::json j = {{"entry", v.entry_seq}, {"recorded", v.recorded},     {"action", v.action},
                        {"at", v.at},           {"behaviours", v.behaviours}, {"what", v.what},
                        {"where", v.where},     {"witnesses", v.witnesses}};
    if (v.until) j["until"] = *v.until;
    if (!v.reason.empty()) j["reason"] = v.reason;
    versions.push_back(j);
  }
  nlohmann::json j = {{"id", inc.id},       {"at", inc.at},        {"behaviours", inc.behaviours},
                      {"what", inc.what},   {"where", inc.where},  {"witnesses", inc.witnesses},
                      {"items", inc.items}, {"versions", versions}};
  j["until"] = inc.until ? nlohmann::json(*inc.until) : nlohmann::json();
  return j;
}

}  // namespace evidence
