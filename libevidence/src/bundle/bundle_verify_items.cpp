#include "bundle_verify_items.hpp"

#include <algorithm>

#include "bagit.hpp"
#include "bundle_format.hpp"
#include "bundle_verify_members.hpp"
#include "evidence/bytes.hpp"
#include "incident_fold.hpp"
#include "ledger_payloads.hpp"

namespace evidence::bundle_internal {

namespace {

using bundle_format::kIncidents;
using bundle_format::kItems;

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// The member is the line's subject: "evidence/items.json: not valid JSON" reads "not valid JSON".
std::string WithoutMember(const std::string& message, const std::string& member) {
  std::string prefix = member + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

// A value as the report shows it: JSON, so that quotes and absence are visible.
std::string Shown(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}
nlohmann::json Opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// What the disclosed signed entries say about one item.
struct SignedItem {
  std::uint64_t seq = 0;  // its item.ingested entry
  std::string exhibit;
  std::string sha256;
  std::uint64_t size = 0;
  std::string name;
  std::optional<std::string> name_hex;
  std::string kind;
  std::string media_type;
  std::optional<std::string> note;
  std::optional<std::string> parent;
  // From its newest item.metadata entry; none means no metadata and no capture time.
  std::optional<std::uint64_t> metadata_seq;
  std::optional<std::string> captured;
  nlohmann::json metadata = nlohmann::json::object();
};

std::string EntryName(const Records& r, std::uint64_t seq) {
  return r.label + "entry " + std::to_string(seq);
}

// Every disclosed item.ingested and item.metadata entry of `r`, typed. An entry whose data does
// not have the fields and types of its action fails as a "ledger" line naming it.
std::map<std::string, SignedItem> SignedItems(const Records& r, Checks& c) {
  std::map<std::string, SignedItem> out;
  for (const auto& [seq, d] : r.entries) {
    const LedgerEntry& e = d.entry;
    if (e.action == payload::ItemIngested::kAction) {
      auto p = payload::ParseAs<payload::ItemIngested>(e);
      if (!p.ok()) {
        c.Fail("ledger", EntryName(r, seq), p.status().message());
        continue;
      }
      SignedItem it;
      it.seq = seq;
      it.exhibit = p->item;
      it.sha256 = p->sha256;
      it.size = p->size;
      it.name = p->name;
      it.name_hex = p->name_hex;
      it.kind = p->kind;
      it.media_type = p->media_type;
      it.note = p->note;
      it.parent = p->parent;
      if (out.count(it.exhibit)) {
        c.Fail("ledger", EntryName(r, seq),
               "item.ingested: a second item.ingested entry of " + it.exhibit);
      } else {
        out.emplace(it.exhibit, std::move(it));
      }
    } else if (e.action == payload::ItemMetadata::kAction) {
      auto p = payload::ParseAs<payload::ItemMetadata>(e);
      if (!p.ok()) {
        c.Fail("ledger", EntryName(r, seq), p.status().message());
        continue;
      }
      auto it = out.find(p->item);
      if (it == out.end()) {
        c.Fail("ledger", EntryName(r, seq),
               "item.metadata of " + p->item +
                   ", whose item.ingested entry is not disclosed before it");
      } else if (it->second.sha256 != p->sha256) {
        c.Fail("ledger", EntryName(r, seq),
               "item.metadata of " + p->item + " records sha256 " + p->sha256 +
                   ", its item.ingested entry " + std::to_string(it->second.seq) + " " +
                   it->second.sha256);
      } else {
        it->second.metadata_seq = seq;
        it->second.metadata = p->metadata;
        it->second.captured = p->captured;
      }
    }
  }
  return out;
}

// Compares every field of one items.json element with the signed entries; problems name the
// field.
void CompareItem(const BundleItem& item, const SignedItem& si, std::vector<std::string>* problems) {
  std::string e = "entry " + std::to_string(si.seq);
  auto differ = [&](const char* field, const nlohmann::json& bundle, const nlohmann::json& signed_,
                    const std::string& entry) {
    if (bundle == signed_) return;
    problems->push_back("\"" + std::string(field) + "\" is " + Shown(bundle) +
                        " in evidence/items.json, but its " + entry + " records " + Shown(signed_));
  };
  std::string ingested = "item.ingested " + e;
  std::string meta = si.metadata_seq ? "item.metadata entry " + std::to_string(*si.metadata_seq)
                                     : "entries (no item.metadata entry)";
  if (item.entry != si.seq) {
    problems->push_back("\"entry\" is " + std::to_string(item.entry) + ", but the item.ingested " +
                        "entry of " + item.exhibit + " is " + e);
  }
  differ("name", item.name, si.name, ingested);
  differ("name_hex", Opt(item.name_hex), Opt(si.name_hex), ingested);
  differ("kind", item.kind, si.kind, ingested);
  differ("media_type", item.media_type, si.media_type, ingested);
  differ("note", Opt(item.note), Opt(si.note), ingested);
  differ("parent", Opt(item.parent), Opt(si.parent), ingested);
  differ("captured", Opt(item.captured), Opt(si.captured), meta);
  if (item.metadata != si.metadata) {
    problems->push_back("\"metadata\" in evidence/items.json differs from what its " + meta +
                        " records");
  }
  // The file handed over is where the signed name puts it.
  std::string raw = si.name;
  if (si.name_hex) {
    if (auto b = HexDecode(*si.name_hex); b.ok()) raw.assign(b->begin(), b->end());
  }
  std::string path = bundle_format::ItemPayloadPath(si.exhibit, raw);
  if (item.path != path) {
    problems->push_back("\"path\" is " + Shown(item.path) +
                        ", but its signed name puts the file at " + Shown(path));
  }
}

// What is wrong with one element of items.json: against its payload file, the manifest and its
// signed item.ingested entry (`sig`, null when none is disclosed). Empty when nothing is.
std::vector<std::string> ItemProblems(const ScanResult& s,
                                      const std::map<std::string, std::string>* manifest,
                                      const Records& main, const BundleItem& item,
                                      const SignedItem* sig) {
  std::vector<std::string> problems;
  auto file = s.payload.find(item.path);
  if (file == s.payload.end()) {
    problems.push_back("its file " + item.path + " is not in the bundle");
  } else if (file->second.size != item.size) {
    problems.push_back(std::string(kItems) + " says " + std::to_string(item.size) +
                       " bytes, the file has " + std::to_string(file->second.size));
  }
  if (manifest != nullptr) {
    if (auto m = manifest->find(item.path); m == manifest->end()) {
      problems.push_back("its file " + item.path + " is not in manifest-sha256.txt");
    } else if (m->second != item.sha256) {
      problems.push_back(std::string(kItems) + " says sha256 " + item.sha256 +
                         ", manifest-sha256.txt says " + m->second);
    }
  }
  std::string e = "entry " + std::to_string(item.entry);
  if (sig == nullptr) {
    auto d = main.entries.find(item.entry);
    problems.push_back(d == main.entries.end()
                           ? "its item.ingested " + e + " is not disclosed in evidence/ledger.jsonl"
                           : e + " is " + d->second.entry.action +
                                 ", not a readable item.ingested of " + item.exhibit);
    return problems;
  }
  // The point of the bundle: the file handed over is the file that was ingested.
  std::string file_sha = file != s.payload.end() ? file->second.sha256 : item.sha256;
  if (sig->sha256 != file_sha) {
    problems.push_back("sha256 " + file_sha + " of " + item.path +
                       " differs from its item.ingested entry " + std::to_string(sig->seq) + " (" +
                       sig->sha256 + ")");
  } else if (item.sha256 != file_sha) {
    problems.push_back(std::string(kItems) + " says sha256 " + item.sha256 + ", the file has " +
                       file_sha);
  }
  if (sig->size != item.size) {
    problems.push_back(std::to_string(item.size) + " bytes differ from its item.ingested entry " +
                       std::to_string(sig->seq) + " (" + std::to_string(sig->size) + ")");
  }
  CompareItem(item, *sig, &problems);
  return problems;
}

// A checked item, with every value taken from its signed entry, never from items.json.
VerifiedItem Verified(const BundleItem& item, const SignedItem& sig) {
  VerifiedItem v;
  v.exhibit = sig.exhibit;
  v.path = item.path;
  if (auto d = DigestFromHex(sig.sha256); d.ok()) v.sha256 = *d;
  v.size = sig.size;
  v.name = sig.name;
  v.name_hex = sig.name_hex;
  v.raw_name = sig.name;
  if (sig.name_hex) {
    if (auto b = HexDecode(*sig.name_hex); b.ok()) v.raw_name.assign(b->begin(), b->end());
  }
  v.kind = sig.kind;
  v.media_type = sig.media_type;
  v.captured = sig.captured;
  v.metadata = sig.metadata;
  v.note = sig.note;
  v.parent = sig.parent;
  v.source_entry = sig.seq;
  return v;
}

}  // namespace

void CheckItems(const ScanResult& s, const std::map<std::string, std::string>* manifest,
                const Records& main, BundleReport& report, std::set<std::string>* exhibits,
                std::vector<VerifiedItem>* verified, Checks& c) {
  std::map<std::string, SignedItem> signed_items = SignedItems(main, c);
  auto tag = s.tag_files.find(kItems);
  if (tag == s.tag_files.end()) {
    c.Fail("item", kItems, "missing from the bundle");
    return;
  }
  auto parsed = ParseItemsJson(tag->second);
  if (!parsed.ok()) {
    c.Fail("item", kItems, WithoutMember(parsed.status().message(), kItems));
    return;
  }
  report.items = parsed->size();
  std::set<std::string> paths;
  for (const BundleItem& item : *parsed) {
    if (!exhibits->insert(item.exhibit).second) {
      c.Fail("item", item.exhibit, "appears twice in evidence/items.json");
      continue;
    }
    paths.insert(item.path);
    auto si = signed_items.find(item.exhibit);
    const SignedItem* sig = si == signed_items.end() ? nullptr : &si->second;
    std::vector<std::string> problems = ItemProblems(s, manifest, main, item, sig);
    if (!problems.empty()) {
      c.Fail("item", item.exhibit, Join(problems, "; "));
      continue;
    }
    c.Ok("item", item.exhibit,
         "sha256 and every field match its item.ingested entry " + std::to_string(sig->seq) + " (" +
             item.path + ", " + std::to_string(item.size) + " bytes)");
    verified->push_back(Verified(item, *sig));
  }
  if (manifest != nullptr) {
    for (const auto& [path, sha] : *manifest) {
      if (bundle_format::IsPayload(path) && !paths.count(path)) {
        c.Fail("item", path, "in manifest-sha256.txt, but no item in evidence/items.json names it");
      }
    }
  }
  for (const auto& [exhibit, sig] : signed_items) {
    if (!exhibits->count(exhibit)) {
      c.Fail("item", exhibit,
             "its item.ingested entry " + std::to_string(sig.seq) +
                 " is disclosed, but evidence/items.json has no such item");
    }
  }
}

namespace {

// The incidents as their disclosed entries build them, version by version (the fold
// Case::Incidents uses), and by incident what those entries get wrong: a link to a message
// beyond the count its export's disclosed item.metadata entry records (as `verify` checks it).
struct SignedDiary {
  std::map<std::string, Incident> incidents;
  std::map<std::string, std::vector<std::string>> problems;
};

SignedDiary SignedIncidents(const Records& r, Checks& c) {
  IncidentFold fold;
  SignedDiary diary;
  std::map<std::string, std::uint64_t> message_counts;  // by exhibit, from item.metadata so far
  for (const auto& [seq, d] : r.entries) {
    const LedgerEntry& e = d.entry;
    if (e.action == payload::IncidentRecorded::kAction) {
      auto p = payload::ParseAs<payload::IncidentRecorded>(e);
      if (!p.ok()) {
        c.Fail("ledger", EntryName(r, seq), p.status().message());
        continue;
      }
      fold.Recorded(*p, seq, e.time);
    } else if (e.action == payload::IncidentAmended::kAction) {
      auto p = payload::ParseAs<payload::IncidentAmended>(e);
      if (!p.ok()) {
        c.Fail("ledger", EntryName(r, seq), p.status().message());
        continue;
      }
      fold.Amended(*p, seq, e.time);  // an undisclosed incident's amendment: nothing to compare
    } else if (e.action == payload::ItemLinked::kAction) {
      auto p = payload::ParseAs<payload::ItemLinked>(e);
      if (!p.ok()) {
        c.Fail("ledger", EntryName(r, seq), p.status().message());
        continue;
      }
      fold.Linked(p->incident, p->item, p->messages);
      auto count = message_counts.find(p->item);
      if (count == message_counts.end()) continue;  // the bundle does not say how many it holds
      if (std::string beyond = MessageBeyondExport(*p, count->second); !beyond.empty()) {
        diary.problems[p->incident].push_back("entry " + std::to_string(seq) + " " + beyond);
      }
    } else if (e.action == payload::ItemIngested::kAction) {
      // A malformed item.ingested or item.metadata entry is reported by CheckItems.
      auto p = payload::ParseAs<payload::ItemIngested>(e);
      if (p.ok() && p->incident) fold.Linked(*p->incident, p->item);
    } else if (e.action == payload::ItemMetadata::kAction) {
      auto p = payload::ParseAs<payload::ItemMetadata>(e);
      if (p.ok() && p->messages) message_counts[p->item] = p->messages->count;
    }
  }
  diary.incidents = std::move(fold.incidents());
  return diary;
}

// The linked messages as JSON in (exhibit, number) order, so that the file's list and the
// entries' compare whatever order each was written in; a message listed twice still differs.
nlohmann::json SortedMessages(const std::vector<LinkedMessage>& messages) {
  std::vector<std::pair<std::string, std::uint64_t>> pairs;
  for (const auto& m : messages) pairs.emplace_back(m.item, m.index);
  std::sort(pairs.begin(), pairs.end());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [item, index] : pairs) out.push_back({{"item", item}, {"index", index}});
  return out;
}

// A version's reason: "" (none given) shows as null, as the file omits it.
nlohmann::json Reason(const std::string& reason) {
  return reason.empty() ? nlohmann::json() : nlohmann::json(reason);
}

void CompareIncident(const BundleIncident& b, const Incident& s,
                     std::vector<std::string>* problems) {
  auto differ = [&](const std::string& field, const nlohmann::json& bundle,
                    const nlohmann::json& signed_) {
    if (bundle == signed_) return;
    problems->push_back("\"" + field + "\" is " + Shown(bundle) +
                        " in evidence/incidents.json, but the signed entries record " +
                        Shown(signed_));
  };
  differ("at", b.at, s.at);
  differ("until", Opt(b.until), Opt(s.until));
  differ("behaviours", b.behaviours, s.behaviours);
  differ("what", b.what, s.what);
  differ("where", b.where, s.where);
  differ("witnesses", b.witnesses, s.witnesses);
  std::set<std::string> bi(b.items.begin(), b.items.end()), si(s.items.begin(), s.items.end());
  if (bi != si) {
    differ("items", std::vector<std::string>(bi.begin(), bi.end()),
           std::vector<std::string>(si.begin(), si.end()));
  }
  if (b.lists_messages) differ("messages", SortedMessages(b.messages), SortedMessages(s.messages));
  if (b.versions.size() != s.versions.size()) {
    problems->push_back(std::string(kIncidents) + " has " + std::to_string(b.versions.size()) +
                        " versions, the disclosed entries " + std::to_string(s.versions.size()));
    return;
  }
  for (std::size_t i = 0; i < b.versions.size(); ++i) {
    const auto& bv = b.versions[i];
    const auto& sv = s.versions[i];
    std::string v = "version " + std::to_string(i) + " ";
    if (bv.entry_seq != sv.entry_seq) {
      problems->push_back(v + "is entry " + std::to_string(bv.entry_seq) +
                          ", the disclosed entries make it entry " + std::to_string(sv.entry_seq));
      continue;
    }
    differ(v + "recorded", bv.recorded, sv.recorded);
    differ(v + "action", bv.action, sv.action);
    differ(v + "at", bv.at, sv.at);
    differ(v + "until", Opt(bv.until), Opt(sv.until));
    differ(v + "behaviours", bv.behaviours, sv.behaviours);
    differ(v + "what", bv.what, sv.what);
    differ(v + "where", bv.where, sv.where);
    differ(v + "witnesses", bv.witnesses, sv.witnesses);
    differ(v + "reason", Reason(bv.reason), Reason(sv.reason));
  }
}

}  // namespace

void CheckIncidents(const ScanResult& s, const Records& main, std::set<std::string>* ids,
                    Checks& c) {
  SignedDiary diary = SignedIncidents(main, c);
  const std::map<std::string, Incident>& signed_incidents = diary.incidents;
  auto tag = s.tag_files.find(kIncidents);
  if (tag == s.tag_files.end()) {
    c.Fail("incident", kIncidents, "missing from the bundle");
    return;
  }
  auto parsed = ParseIncidentsJson(tag->second);
  if (!parsed.ok()) {
    c.Fail("incident", kIncidents, WithoutMember(parsed.status().message(), kIncidents));
    return;
  }
  for (const BundleIncident& inc : *parsed) {
    if (!ids->insert(inc.id).second) {
      c.Fail("incident", inc.id, "appears twice in evidence/incidents.json");
      continue;
    }
    auto sig = signed_incidents.find(inc.id);
    if (sig == signed_incidents.end()) {
      c.Fail("incident", inc.id, "no disclosed incident.recorded entry records it");
      continue;
    }
    std::vector<std::string> problems = diary.problems[inc.id];
    CompareIncident(inc, sig->second, &problems);
    if (!problems.empty()) {
      c.Fail("incident", inc.id, Join(problems, "; "));
      continue;
    }
    std::vector<std::string> seqs;
    for (const auto& v : inc.versions) seqs.push_back(std::to_string(v.entry_seq));
    c.Ok("incident", inc.id,
         "every field matches the disclosed entries " + Join(seqs, ", ") + " that record it");
  }
  for (const auto& [id, inc] : signed_incidents) {
    if (!ids->count(id)) {
      c.Fail("incident", id,
             "its incident.recorded entry " + std::to_string(inc.versions.front().entry_seq) +
                 " is disclosed, but evidence/incidents.json has no such incident");
    }
  }
}

}  // namespace evidence::bundle_internal
