#include "behaviours.hpp"

#include <utility>

namespace evidence::app {

namespace {

// The same words as docs/diary.md's table, so that the page and the manual agree.
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
    {"other", "anything else (say what in \"What happened\")"},
};

}  // namespace

std::string_view BehaviourDescription(std::string_view behaviour) {
  for (const auto& [word, text] : kDescriptions) {
    if (word == behaviour) return text;
  }
  return {};
}

}  // namespace evidence::app
