// `receive` of a bundle whose sender is hostile: the sender holds its own key, so it can write any
// evidence/*.json and sign the tag manifest again. A real bundle is exported once from a small
// case; each input edits one JSON member of it, the tag manifest is recomputed and signed by the
// sender's key (the ledger, its proofs and checkpoint stay as signed), and the result is received
// into a fresh copy of an officer's case. Whatever happens, nothing may throw or crash, and when
// receive refuses, the officer's case must be exactly as it was.
//
// Input: byte 0 picks the member (low two bits) and how to edit it:
//   bit 6 set: byte 1 picks one value of the member (any depth, in document order) and the rest
//     replaces it (as JSON when it parses, else as a string; nothing: null). The member stays
//     valid JSON, so most inputs reach the type, range and field-by-field checks;
//   bit 7 set: the rest of the input replaces the member;
//   neither: a splice into the member (bytes 1-2: offset, byte 3: bytes removed, the rest
//     inserted), for edits of the JSON text itself.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive_util.hpp"
#include "bagit.hpp"
#include "evidence/bundle.hpp"
#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/case.hpp"
#include "evidence/hash.hpp"
#include "evidence/incident.hpp"
#include "evidence/key_file.hpp"
#include "evidence/signing.hpp"
#include "fuzz_support.hpp"
#include "testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace ef = evidence::fuzz;
namespace et = evidence::testing;

constexpr const char* kMembers[] = {"evidence/items.json", "evidence/incidents.json",
                                    "evidence/proofs.json", "evidence/items.json"};

struct Member {
  std::string name;  // relative to the top folder
  std::string bytes;
  bool dir = false;
};

template <typename T>
T Must(evidence::Result<T> r, const char* what) {
  if (!r.ok()) ef::Fail(std::string(what) + ": " + r.status().message());
  return std::move(r).value();
}

// Everything about the officer's case that receive may change: the files (the ledger compared
// through what it holds, since SQLite may touch its file on a rolled-back write).
std::string Snapshot(const fs::path& dir) {
  std::string s;
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    if (rel.rfind("ledger.sqlite", 0) == 0) continue;
    files.push_back(rel + (e.is_regular_file() ? ":" + std::to_string(e.file_size()) : "/"));
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) s += f + "\n";
  auto c = Must(evidence::Case::Open(dir), "open the officer's case");
  auto report = Must(c.Verify(), "verify the officer's case");
  if (!report.ok()) ef::Fail("the officer's case does not verify: " + report.failures.front());
  s += "entries " + std::to_string(report.entries_checked) + " items " +
       std::to_string(report.items_checked) + " checkpoints " +
       std::to_string(report.checkpoints_checked) + "\n";
  return s;
}

struct Template {
  et::TempDir dir;
  std::string top;
  std::vector<Member> members;  // in archive order
  std::optional<evidence::SigningKey> sender_key;
  fs::path officer;
  std::string officer_snapshot;

  Template() {
    fs::path sender = dir / "sender";
    evidence::CaseOptions options;
    options.name = "fuzz";
    options.owner = "Fuzz Sender";
    options.passphrase = std::nullopt;
    auto c = Must(evidence::Case::Create(sender, options), "create the sender's case");
    et::WriteFile(dir / "a.txt", "He waited outside again.\n");
    et::WriteFile(dir / "b.txt", "Second note.\n");
    evidence::IngestOptions ingest;
    ingest.note = "from the doorstep";
    Must(c.Ingest(dir / "a.txt", ingest), "ingest a.txt");
    Must(c.Ingest(dir / "b.txt", {}), "ingest b.txt");
    evidence::IncidentInput inc;
    inc.at = "2026-03-01T07:50:00Z";
    inc.behaviours = {"visit-home"};
    inc.what = "A box on the doorstep";
    inc.witnesses = {"a neighbour"};
    inc.items = {"EX-0001"};
    Must(c.RecordIncident(inc), "record an incident");
    if (auto st = c.Seal(); !st.ok()) ef::Fail("seal: " + st.message());
    evidence::ExportOptions out;
    out.out = dir / "handover.tar";
    Must(c.Export(out), "export");
    top = "handover";
    ReadTar(out.out);
    std::string key_text = et::ReadFile(sender / "keys" / (c.info().key_name + ".key"));
    sender_key = Must(evidence::OpenSigningKey(key_text, c.info().uuid, std::nullopt),
                      "open the sender's key");

    officer = dir / "officer";
    evidence::CaseOptions officer_options;
    officer_options.name = "officer";
    officer_options.owner = "PC Fuzz";
    officer_options.exhibit_prefix = "PS";
    officer_options.passphrase = std::nullopt;
    Must(evidence::Case::Create(officer, officer_options), "create the officer's case");
    officer_snapshot = Snapshot(officer);
  }

  void ReadTar(const fs::path& file) {
    evidence::arch::ScopedUtf8Locale utf8;
    evidence::arch::ReadPtr a(archive_read_new());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
      ef::Fail("cannot read the exported bundle");
    }
    archive_entry* e = nullptr;
    while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
      Member m;
      std::string path = archive_entry_pathname(e);
      m.name = path.size() > top.size() ? path.substr(top.size() + 1) : "";
      m.dir = archive_entry_filetype(e) == AE_IFDIR;
      char buf[1 << 16];
      for (la_ssize_t n; (n = archive_read_data(a.get(), buf, sizeof buf)) > 0;) {
        m.bytes.append(buf, static_cast<std::size_t>(n));
      }
      members.push_back(std::move(m));
    }
  }

  // The bundle with `name` replaced by `bytes`, its tag manifest recomputed and signed again.
  std::string Build(const std::string& name, const std::string& bytes) const {
    std::map<std::string, std::string> files;
    for (const auto& m : members) {
      if (!m.dir) files[m.name] = m.name == name ? bytes : m.bytes;
    }
    auto lines = evidence::bagit::ParseManifest(files["tagmanifest-sha256.txt"]);
    if (!lines.ok()) ef::Fail("the exported tag manifest does not parse");
    for (auto& line : *lines) {
      line.sha256 = evidence::DigestHex(evidence::Sha256::Of(std::string_view(files[line.path])));
    }
    files["tagmanifest-sha256.txt"] = evidence::bagit::FormatManifest(*lines);
    auto sig = sender_key->Sign(evidence::AsBytes(files["tagmanifest-sha256.txt"]));
    if (!sig.ok()) ef::Fail("sign: " + sig.status().message());
    files["tagmanifest-sha256.sig"].assign(sig->begin(), sig->end());

    evidence::arch::ScopedUtf8Locale utf8;
    evidence::arch::WritePtr a(archive_write_new());
    archive_write_set_format_pax_restricted(a.get());
    std::size_t capacity = 1 << 16;
    for (const auto& [n, b] : files) capacity += b.size() + 4096;
    std::string out(capacity, '\0');
    std::size_t used = 0;
    archive_write_open_memory(a.get(), out.data(), out.size(), &used);
    for (const auto& m : members) {
      evidence::arch::EntryPtr e(archive_entry_new());
      archive_entry_set_pathname_utf8(e.get(),
                                      (top + (m.name.empty() ? "" : "/" + m.name)).c_str());
      archive_entry_set_filetype(e.get(), m.dir ? AE_IFDIR : AE_IFREG);
      archive_entry_set_perm(e.get(), m.dir ? 0755 : 0644);
      const std::string& content = m.dir ? std::string() : files[m.name];
      archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
      if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) ef::Fail("tar header");
      if (!content.empty() && archive_write_data(a.get(), content.data(), content.size()) !=
                                  static_cast<la_ssize_t>(content.size())) {
        ef::Fail("tar data");
      }
    }
    archive_write_close(a.get());
    out.resize(used);
    return out;
  }
};

void CollectValues(nlohmann::json& j, std::vector<nlohmann::json*>* out) {
  if (j.is_object() || j.is_array()) {
    for (auto& v : j) {
      out->push_back(&v);
      CollectValues(v, out);
    }
  }
}

// The member with its `index`-th value (in document order, modulo their number) replaced by
// `value` parsed as JSON, or by `value` as a string when it is not JSON, or removed when `value`
// is empty. The result is always valid JSON, so the edit reaches the type and field checks.
std::string EditValue(const std::string& member, std::uint8_t index, std::string_view value) {
  auto doc = nlohmann::json::parse(member, nullptr, /*allow_exceptions=*/false);
  std::vector<nlohmann::json*> values;
  CollectValues(doc, &values);
  if (values.empty()) return member;
  nlohmann::json* target = values[index % values.size()];
  if (value.empty()) {
    *target = nlohmann::json();
  } else {
    auto parsed = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
    *target = parsed.is_discarded() ? nlohmann::json(evidence::LossyUtf8(value)) : parsed;
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Template tmpl;
  static ef::MemFile file;
  if (size < 2 || ((data[0] & 0xc0) == 0 && size < 4)) return 0;
  const std::string name = kMembers[data[0] & 3];
  std::string bytes;
  for (const auto& m : tmpl.members) {
    if (m.name == name) bytes = m.bytes;
  }
  std::string_view rest = ef::AsText(data + 1, size - 1);
  if (data[0] & 0x80) {
    bytes.assign(rest);
  } else if (data[0] & 0x40) {
    bytes = EditValue(bytes, data[1], rest.substr(1));
  } else {
    std::size_t offset = (static_cast<std::size_t>(data[1]) << 8 | data[2]) % (bytes.size() + 1);
    std::size_t removed = std::min<std::size_t>(data[3], bytes.size() - offset);
    bytes.replace(offset, removed, rest.substr(3));
  }
  std::string bundle = tmpl.Build(name, bytes);

  et::TempDir run;
  fs::path officer = run / "officer";
  fs::copy(tmpl.officer, officer, fs::copy_options::recursive);
  auto c = evidence::Case::Open(officer);
  if (!c.ok()) ef::Fail("cannot open the copied case: " + c.status().message());
  auto received = c->Receive(
      file.Set(reinterpret_cast<const std::uint8_t*>(bundle.data()), bundle.size()), "fuzz", {});
  // RECEIVE_FUZZ_VERBOSE=1 says what became of each input, to see how deep a corpus reaches.
  static const bool verbose = std::getenv("RECEIVE_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "receive: %s\n",
                 received.ok() ? "received" : received.status().message().c_str());
  }
  if (!received.ok()) {
    if (Snapshot(officer) != tmpl.officer_snapshot) {
      ef::Fail("a refused receive changed the officer's case: " + received.status().message());
    }
    return 0;
  }
  // Taken in: the case must verify, and hold exactly what the sender's signed entries say.
  auto report = c->Verify();
  if (!report.ok() || !report->ok()) ef::Fail("the officer's case does not verify after receive");
  (void)evidence::BundleReportJson(received->report).dump();
  return 0;
}
