// The definitions of evidence/incident.hpp: the diary's vocabulary, which the ledger payloads
// check (ledger_payloads.cpp) and every reader of incidents shares.
#include "evidence/incident.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace evidence {

bool IsBehaviour(std::string_view b) {
  return std::find(std::begin(kBehaviours), std::end(kBehaviours), b) != std::end(kBehaviours);
}

namespace {

// What each word of kBehaviours is for, in the same order (checked below, at compile time), so
// that a word added there without a description here does not build.
constexpr std::pair<std::string_view, std::string_view> kDescriptions[] = {
    {"phone-call", "a call that was answered or that the caller spoke on"},
    {"silent-call", "a call with nobody speaking, or hung up as soon as it was answered"},
    {"voicemail", "a voicemail left"},
    {"text-message", "an SMS or MMS"},
    {"messaging-app", "a message in WhatsApp, Signal, Telegram, Messenger or a similar app"},
    {"email", "an e-mail"},
    {"letter", "a letter, card or note, by post or by hand"},
    {"social-media", "posts, comments, friend requests or direct contact on social media"},
    {"gift", "an unwanted gift or item left or sent"},
    {"following", "following you on foot, by car or on transport"},
    {"loitering", "hanging around near your home, work or usual places"},
    {"watching", "watching or spying on you"},
    {"approach", "coming up to you or confronting you in person"},
    {"visit-home", "turning up at your home"},
    {"visit-work", "turning up at your work or place of study"},
    {"entering-property", "getting into your home, garden, car or other property"},
    {"online-monitoring",
     "tracking you online or through devices (location sharing, spyware, trackers)"},
    {"publishing-material",
     "publishing or sharing material about you (pictures, personal details, claims)"},
    {"account-access", "getting into your accounts or devices"},
    {"ordering-goods", "ordering goods or services in your name"},
    {"cancelling-services", "cancelling your services, bookings or subscriptions"},
    {"complaints-to-authorities",
     "false or vexatious reports about you to the police, an employer or other bodies"},
    {"contacting-others", "contacting your family, friends, neighbours or colleagues"},
    {"property-damage", "damaging your property"},
    {"graffiti", "writing or drawing on your property"},
    {"threat", "a threat of any kind, said, written or implied"},
    {"violence", "physical violence"},
    {"other", "anything else (say what it was in the account of what happened)"},
};

constexpr bool DescriptionsFollowTheVocabulary() {
  if (std::size(kDescriptions) != std::size(kBehaviours)) return false;
  for (std::size_t i = 0; i < std::size(kBehaviours); ++i) {
    if (kDescriptions[i].first != kBehaviours[i] || kDescriptions[i].second.empty()) return false;
  }
  return true;
}
static_assert(DescriptionsFollowTheVocabulary(),
              "every word of kBehaviours needs a description, in the same order");

}  // namespace

std::string_view BehaviourDescription(std::string_view behaviour) {
  for (const auto& [word, text] : kDescriptions) {
    if (word == behaviour) return text;
  }
  return {};
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
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : inc.messages) messages.push_back({{"item", m.item}, {"index", m.index}});
  j["messages"] = std::move(messages);
  return j;
}

nlohmann::json IncidentToJson(const Incident& inc, const std::vector<LinkedMessageQuote>& quotes) {
  nlohmann::json j = IncidentToJson(inc);
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& q : quotes) {
    nlohmann::json m = {{"item", q.item}, {"index", q.index}};
    if (q.found) {
      if (q.time) m["time"] = *q.time;
      m["sender"] = q.sender;
      m["text"] = q.text;
    }
    messages.push_back(std::move(m));
  }
  j["messages"] = std::move(messages);
  return j;
}

}  // namespace evidence
