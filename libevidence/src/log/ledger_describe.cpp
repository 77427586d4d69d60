// One line per ledger entry for `evidence log`, from the typed payload.
#include <cstdio>

#include "evidence/canonical_json.hpp"
#include "evidence/human_size.hpp"
#include "evidence/ledger.hpp"
#include "ledger_payloads.hpp"

namespace evidence {

namespace {

std::string Short(const std::string& hex) {
  return hex.size() > 12 ? hex.substr(0, 12) + "…" : hex;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

struct Describe {
  std::string operator()(const payload::CaseCreated& p) const {
    return "case \"" + p.name + "\" (" + p.case_uuid + ")";
  }
  std::string operator()(const payload::KeyAdded& p) const {
    return "key " + p.key + " " + p.fingerprint;
  }
  std::string operator()(const payload::ItemIngested& p) const {
    return p.item + " " + p.name + " (" + p.kind + ", " + HumanSize(p.size) + ", sha256 " +
           Short(p.sha256) + ")";
  }
  std::string operator()(const payload::ItemMetadata& p) const {
    std::string out = p.item + " metadata";
    if (p.captured) out += ", captured " + *p.captured;
    if (!p.errors.empty()) out += " (with extraction errors)";
    return out;
  }
  std::string operator()(const payload::ItemAnnotated& p) const {
    return (p.item ? *p.item + " " : std::string()) + "note: " + p.note;
  }
  std::string operator()(const payload::ItemLinked& p) const {
    if (p.messages.empty()) return p.item + " linked to " + p.incident;
    std::string numbers;
    for (std::uint64_t m : p.messages) {
      numbers += (numbers.empty() ? "" : ",") + std::to_string(m);
    }
    return p.item + (p.messages.size() == 1 ? " message " : " messages ") + numbers +
           " linked to " + p.incident;
  }
  std::string operator()(const payload::ItemAccessed& p) const {
    return p.item + " " + p.purpose + " to " + p.to;
  }
  std::string operator()(const payload::IncidentRecorded& p) const {
    return p.incident + " at " + p.at + " (" + Join(p.behaviours, ",") + ")";
  }
  std::string operator()(const payload::IncidentAmended& p) const {
    const auto& c = p.changes;
    std::vector<std::string> fields;
    if (c.at) fields.push_back("at");
    if (c.behaviours) fields.push_back("behaviours");
    if (c.until) fields.push_back("until");
    if (c.what) fields.push_back("what");
    if (c.where) fields.push_back("where");
    if (c.witnesses) fields.push_back("witnesses");
    return p.incident + " amended: " + Join(fields, ", ") +
           (p.reason ? " (" + *p.reason + ")" : std::string());
  }
  std::string operator()(const payload::ExportCreated& p) const {
    return "export " + p.bundle + ": " + std::to_string(p.items.size()) + " items, " +
           std::to_string(p.incidents.size()) + " incidents" +
           (p.recipient ? " for " + *p.recipient : std::string());
  }
  std::string operator()(const payload::BundleVerified& p) const {
    return "bundle " + p.bundle + " verified";
  }
  std::string operator()(const payload::BundleReceived& p) const {
    return "received " + p.bundle + ": " + Join(p.items, ", ") + " from case " + p.sender_case;
  }
  std::string operator()(const payload::TimestampAttached& p) const {
    return "checkpoint " + std::to_string(p.checkpoint_size) + " existed at " + p.gen_time +
           " (TSA: " + p.tsa + ", " + p.token + ")";
  }
  std::string operator()(const payload::CaseEncrypted& p) const {
    return "case encrypted at rest: " + std::to_string(p.objects) + " objects, " +
           std::to_string(p.entries) + " entries";
  }
};

}  // namespace

Result<std::string> DescribeLedgerEntry(const LedgerEntry& e) {
  auto p = payload::Parse(e);
  if (!p.ok()) return p.status();
  return std::visit(Describe{}, *p);
}

}  // namespace evidence
