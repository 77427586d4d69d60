// A case whose ledger.sqlite is hostile: the input picks what to forge (an entry's bytes, with its
// leaf hash recomputed as a careful forger would, an item row's metadata, or a stored message) and
// the read paths every command uses run on it in-process: Case::Open, Verify, Items, Log,
// Incidents, Messages and the report. None may crash, hang or throw.
#include <sqlite3.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "evidence/bytes.hpp"
#include "evidence/case.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "evidence/report.hpp"
#include "fixtures.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

// A real case made once: two items (one a chat export with messages) and a linked incident.
struct Template {
  fs::path dir;
  fs::path ledger;
  std::string ledger_bytes;
  Template() {
    std::string pattern = (fs::temp_directory_path() / "evidence-fuzz-ledger-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    fs::path root(pattern);
    dir = root / "case";
    evidence::CaseOptions opt;
    opt.name = "Fuzz";
    opt.owner = "Jane Doe";
    // The case is closed before its ledger is copied, so that the WAL is folded into the file.
    {
      auto c = evidence::Case::Create(dir, opt);
      if (!c.ok()) evidence::fuzz::Fail(("create: " + c.status().message()).c_str());
      evidence::testing::WriteText(root / "note.txt", "He waited outside again.\n");
      evidence::testing::WriteWhatsAppExport(root / "WhatsApp Chat with Daniel Marsh.txt");
      for (const char* f : {"note.txt", "WhatsApp Chat with Daniel Marsh.txt"}) {
        auto r = c->Ingest(root / f, evidence::IngestOptions{});
        if (!r.ok()) evidence::fuzz::Fail(("ingest: " + r.status().message()).c_str());
      }
      evidence::IncidentInput in;
      in.at = "2026-03-01 10:00";
      in.behaviours = {"visit-home"};
      in.what = "waited outside";
      in.items = {"EX-0001"};
      auto inc = c->RecordIncident(in);
      if (!inc.ok()) evidence::fuzz::Fail(("incident: " + inc.status().message()).c_str());
    }
    ledger = dir / "ledger.sqlite";
    std::ifstream f(ledger, std::ios::binary);
    ledger_bytes.assign(std::istreambuf_iterator<char>(f), {});
    if (fs::exists(ledger.string() + "-wal") && fs::file_size(ledger.string() + "-wal") > 0) {
      evidence::fuzz::Fail("the template ledger still has a WAL");
    }
    if (!evidence::Case::Open(dir).ok()) evidence::fuzz::Fail("the template case does not open");
  }
};

void Run(sqlite3* db, const std::string& sql, const std::string& text, std::int64_t pick,
         const std::string* leaf = nullptr) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return;
  sqlite3_bind_blob(st, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, pick);
  if (leaf)
    sqlite3_bind_blob(st, 3, leaf->data(), static_cast<int>(leaf->size()), SQLITE_TRANSIENT);
  (void)sqlite3_step(st);
  sqlite3_finalize(st);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Template t;
  if (size < 2) return 0;
  const std::uint8_t mode = data[0] % 3;
  const std::int64_t pick = data[1];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);

  // The template's ledger, restored, then forged.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(t.ledger.string() + suffix);
  {
    std::ofstream out(t.ledger, std::ios::binary | std::ios::trunc);
    out << t.ledger_bytes;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(t.ledger.c_str(), &db) != SQLITE_OK) std::abort();
  sqlite3_exec(db,
               "DROP TRIGGER IF EXISTS entries_append_only_update; "
               "DROP TRIGGER IF EXISTS items_append_only_delete;",
               nullptr, nullptr, nullptr);
  if (mode == 0) {
    auto leaf_hash = evidence::merkle::LeafHash(evidence::AsBytes(text));
    std::string leaf(reinterpret_cast<const char*>(leaf_hash.data()), leaf_hash.size());
    Run(db,
        "UPDATE entries SET entry = ?1, leaf_hash = ?3 "
        "WHERE seq = ?2 % (SELECT count(*) FROM entries)",
        text, pick, &leaf);
  } else if (mode == 1) {
    Run(db,
        "UPDATE items SET metadata = CAST(?1 AS TEXT) "
        "WHERE number = 1 + ?2 % (SELECT count(*) FROM items)",
        text, pick);
  } else {
    Run(db,
        "UPDATE messages SET message = CAST(?1 AS TEXT) "
        "WHERE rowid = 1 + ?2 % (SELECT count(*) FROM messages)",
        text, pick);
  }
  sqlite3_close(db);

  auto c = evidence::Case::Open(t.dir);
  if (!c.ok()) return 0;  // e.g. the last key.added entry forged: refused, naming it
  (void)c->Verify();
  (void)c->Items();
  (void)c->Log(evidence::LogFilter{});
  (void)c->Incidents();
  (void)c->Messages(evidence::MessageFilter{});
  (void)c->GatherReport(std::nullopt, std::nullopt);
  return 0;
}
