// Hand-made report data shared by the report tests: a realistic case (five weeks of a diary with
// a gap, an amended entry, photos, a voicemail and a chat export) and a hostile variant in which
// every free-text field carries markup, script, quotes, pipes and links.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/report.hpp"

namespace evidence::testing {

// The report in format `f`, or "" after a test failure naming why it could not be rendered.
inline std::string Rendered(const ReportData& d, ReportFormat f) {
  auto r = RenderReport(d, f);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

inline constexpr char kScript[] = "<script>alert(1)</script>";
inline constexpr char kImg[] = "<img src=x onerror=alert(1)>";
inline constexpr char kQuotes[] = "\"double\" & 'single' &amp; &lt;b&gt;";
inline constexpr char kLink[] = "see https://evil.example/x.png or [x](http://evil.example/a.png)";
inline constexpr char kPipes[] = "a|b||c \\| d";
inline constexpr char kMarkdownLines[] =
    "# Not a heading\n- not a list\n1. not numbered\n> not a quote\n    not code\n"
    "*bold* _it_ `code` ~~gone~~ $x$ ![img](x.png)";

// One string with every kind of trouble, tagged with the field it goes into so that a test can
// tell which field leaked.
inline std::string Hostile(const std::string& field) {
  return "{" + field + "} " + kScript + " " + kImg + " " + kQuotes + " " + kLink + " " + kPipes;
}

inline IncidentVersion Version(std::string recorded, std::uint64_t seq, std::string what,
                               std::string where, std::vector<std::string> witnesses,
                               std::string reason = "") {
  IncidentVersion v;
  v.recorded = std::move(recorded);
  v.entry_seq = seq;
  v.what = std::move(what);
  v.where = std::move(where);
  v.witnesses = std::move(witnesses);
  v.reason = std::move(reason);
  return v;
}

inline evidence::Incident Incident(std::string id, std::string at,
                                   std::vector<std::string> behaviours, std::string what,
                                   std::string where, std::vector<std::string> witnesses,
                                   std::vector<std::string> items, std::uint64_t seq) {
  evidence::Incident inc;
  inc.id = std::move(id);
  inc.at = std::move(at);
  inc.behaviours = std::move(behaviours);
  inc.what = std::move(what);
  inc.where = std::move(where);
  inc.witnesses = std::move(witnesses);
  inc.items = std::move(items);
  // The ledger time is an hour after the event, in UTC.
  std::string recorded = inc.at.substr(0, 10) + "T21:00:00.000Z";
  inc.versions.push_back(Version(recorded, seq, inc.what, inc.where, inc.witnesses));
  return inc;
}

inline LinkedMessageQuote Quote(std::string item, std::uint64_t index,
                                std::optional<std::string> time, std::string sender,
                                std::string text) {
  LinkedMessageQuote q;
  q.item = std::move(item);
  q.index = index;
  q.found = true;
  q.time = std::move(time);
  q.sender = std::move(sender);
  q.text = std::move(text);
  return q;
}

inline ReportItem Item(std::string exhibit, std::string name, std::string kind,
                       std::string media_type, std::uint64_t size, char hash_digit,
                       std::optional<std::string> captured, std::string ingested) {
  ReportItem it;
  it.exhibit = std::move(exhibit);
  it.name = std::move(name);
  it.kind = std::move(kind);
  it.media_type = std::move(media_type);
  it.size = size;
  it.sha256 = std::string(64, hash_digit);
  it.captured = std::move(captured);
  it.ingested = std::move(ingested);
  return it;
}

inline ReportData RealisticCase() {
  ReportData d;
  d.case_name = "Harassment by former partner";
  d.case_uuid = "5b7e2c1a-9f3d-4c61-8a0e-2d4f6b8c0e12";
  d.owner = "Sam Taylor";
  d.generated = "2026-04-02T09:15:00.000Z";
  d.ledger_size = 137;
  d.checkpoint_root = "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";
  d.key_fingerprint = "SHA256:9e1c4a7f2b3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";

  d.incidents.push_back(Incident("INC-0001", "2026-02-27T08:10:00+00:00", {"watching", "loitering"},
                                 "Parked opposite the house when I left for work. Stayed until I "
                                 "turned the corner.",
                                 "Outside home, Elm Road", {}, {}, 12));
  d.incidents.push_back(Incident("INC-0002", "2026-03-02T19:40:00+00:00",
                                 {"phone-call", "silent-call"},
                                 "Three calls from a withheld number between 19:40 and 20:05. "
                                 "Silence each time.",
                                 "Home", {}, {"EX-0003"}, 20));
  evidence::Incident amended =
      Incident("INC-0003", "2026-03-05T17:25:00+00:00", {"following"},
               "Followed me from the bus stop to the supermarket.", "Station Road", {}, {}, 27);
  amended.until = "2026-03-05T17:50:00+00:00";
  amended.what =
      "Followed me from the bus stop to the supermarket and waited by the exit.\nLeft when the "
      "security guard came out.";
  amended.witnesses = {"Priya (security guard)"};
  amended.versions.push_back(Version("2026-03-06T08:02:11.412Z", 31, amended.what, amended.where,
                                     amended.witnesses,
                                     "Remembered the wait at the exit; the guard gave his name."));
  d.incidents.push_back(amended);
  d.incidents.push_back(Incident("INC-0004", "2026-03-09T07:55:00+00:00", {"gift", "visit-home"},
                                 "Flowers on the doorstep with a card: \"We belong together\".",
                                 "Front door", {"Neighbour at no. 14"}, {"EX-0001", "EX-0002"},
                                 40));
  d.incidents.push_back(Incident("INC-0005", "2026-03-11T22:30:00+00:00",
                                 {"messaging-app", "threat"},
                                 "Eleven WhatsApp messages in an hour; the last says I will regret "
                                 "ignoring him.",
                                 "", {}, {"EX-0004"}, 48));
  d.incidents.push_back(Incident("INC-0006", "2026-03-13T12:05:00+00:00",
                                 {"visit-work", "approach"},
                                 "Came to reception and asked for me by name. Reception told him "
                                 "to leave.",
                                 "Office reception", {"Dana (reception)", "J. Okafor"}, {}, 55));
  d.incidents.push_back(Incident("INC-0007", "2026-03-14T18:20:00+00:00", {"following"},
                                 "Walked behind me from the gym to the car park.", "High Street",
                                 {}, {}, 61));
  d.incidents.push_back(Incident(
      "INC-0008", "2026-03-30T21:10:00+01:00", {"social-media", "publishing-material"},
      "Posted a photo of my front door on a public profile.", "Online", {}, {"EX-0005"}, 90));
  d.incidents.push_back(Incident("INC-0009", "2026-03-31T08:00:00+01:00", {"watching"},
                                 "Car parked opposite again.", "Outside home, Elm Road", {}, {},
                                 96));
  d.incidents.push_back(
      Incident("INC-0010", "2026-04-01T23:45:00+01:00", {"phone-call", "voicemail", "threat"},
               "Voicemail at night: \"You can't hide from me.\"", "Home", {}, {"EX-0006"}, 120));

  d.incidents[4].messages = {{"EX-0004", 130}, {"EX-0004", 141}};
  d.quoted_messages["INC-0005"] = {
      Quote("EX-0004", 130, "2026-03-11T22:31:00", "Alex", "Why are you ignoring me?"),
      Quote("EX-0004", 141, "2026-03-11T23:29:00", "Alex", "You will regret this.")};

  d.items.push_back(Item("EX-0001", "flowers-doorstep.jpg", "photo", "image/jpeg", 2348112, 'a',
                         "2026-03-09T07:58:12+00:00", "2026-03-09T09:00:03.120Z"));
  d.items.push_back(Item("EX-0002", "card.jpg", "photo", "image/jpeg", 1184332, 'b',
                         "2026-03-09T08:01:40+00:00", "2026-03-09T09:00:04.480Z"));
  d.items.push_back(Item("EX-0003", "call-log-screenshot.png", "screenshot", "image/png", 412876,
                         'c', std::nullopt, "2026-03-02T20:30:00.000Z"));
  d.items.push_back(Item("EX-0004", "WhatsApp Chat with Alex.zip", "message-export",
                         "application/zip", 5502231, 'd', std::nullopt,
                         "2026-03-12T07:45:10.000Z"));
  d.items.push_back(Item("EX-0005", "profile-post.png", "screenshot", "image/png", 901223, 'e',
                         "2026-03-30T21:20:00+01:00", "2026-03-30T20:25:00.000Z"));
  d.items.push_back(Item("EX-0006", "voicemail-2026-04-01.m4a", "audio", "audio/mp4", 188410, 'f',
                         "2026-04-01T23:45:31+01:00", "2026-04-02T06:10:00.000Z"));

  d.message_counts = {
      {"2026-03-10", "Alex", "EX-0004", 4},  {"2026-03-10", "Sam Taylor", "EX-0004", 1},
      {"2026-03-11", "Alex", "EX-0004", 11}, {"2026-03-11", "Sam Taylor", "EX-0004", 1},
      {"2026-03-13", "Alex", "EX-0004", 6},  {"2026-03-15", "Alex", "EX-0004", 9},
  };
  d.events = {
      {"2026-03-09T07:58:12+00:00", "capture", "EX-0001", "photo flowers-doorstep.jpg"},
      {"2026-03-09T08:01:40+00:00", "capture", "EX-0002", "photo card.jpg"},
      {"2026-03-11T22:31:00", "message", "EX-0004", "Alex: Why are you ignoring me?"},
      {"2026-03-11T23:29:00", "message", "EX-0004", "Alex: You will regret this."},
      {"2026-03-30T21:20:00+01:00", "capture", "EX-0005", "screenshot profile-post.png"},
      {"2026-04-01T23:45:31+01:00", "capture", "EX-0006", "audio voicemail-2026-04-01.m4a"},
  };
  return d;
}

// A case with nothing in the period covered, only its identity and anchor.
inline ReportData EmptyCase() {
  ReportData d = RealisticCase();
  d.since = "2025-01-01";
  d.until = "2025-01-31";
  d.incidents.clear();
  d.items.clear();
  d.message_counts.clear();
  d.events.clear();
  return d;
}

// The realistic case with hostile text in every field that can hold free text.
inline ReportData HostileCase() {
  ReportData d = RealisticCase();
  d.case_name = Hostile("case-name");
  d.case_uuid = Hostile("case-uuid");
  d.owner = Hostile("owner");
  d.since = Hostile("since");
  d.until = Hostile("until");
  d.key_fingerprint = Hostile("fingerprint");
  evidence::Incident inc =
      Incident(Hostile("incident-id"), "2026-03-12T10:00:00+00:00", {"other"},
               Hostile("what") + "\n" + kMarkdownLines, Hostile("where"),
               {Hostile("witness-1"), Hostile("witness-2")}, {Hostile("linked-item")}, 50);
  inc.versions.push_back(Version("2026-03-13T10:00:00.000Z", 52, Hostile("amended-what"),
                                 Hostile("amended-where"), {Hostile("amended-witness")},
                                 Hostile("reason")));
  inc.what = inc.versions.back().what;
  inc.messages = {{"EX-0004", 7}, {"EX-0004", 8}};
  d.quoted_messages[inc.id] = {Quote("EX-0004", 7, "2026-03-12T10:05:00", Hostile("quote-sender"),
                                     Hostile("quote-text") + "\n" + kMarkdownLines),
                               Quote("EX-0004", 8, Hostile("quote-time"), "Alex", "fine")};
  d.incidents.insert(d.incidents.begin() + 5, inc);
  d.items.push_back(Item(Hostile("exhibit"), Hostile("item-name"), Hostile("kind"),
                         Hostile("media-type"), 77, '0', std::nullopt, "2026-03-12T11:00:00.000Z"));
  d.message_counts.push_back({"2026-03-12", Hostile("sender"), Hostile("export"), 3});
  d.events.push_back(
      {"2026-03-12T10:30:00", "message", Hostile("event-item"), Hostile("event-summary")});
  return d;
}

}  // namespace evidence::testing
