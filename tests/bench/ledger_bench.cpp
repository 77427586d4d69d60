// Builds and measures a large ledger for tests/bench/ledger.sh. Not a test.
//
//   evidence-ledger-bench build CASE --entries N [--items K] [--batch B]
//     Creates a case (no passphrase) in CASE, adds K small generated items (bench-only bulk path,
//     see AddItems) so that an export has K items to carry, then appends item.annotated entries
//     (one in 100 about one of those items) until the ledger holds N entries, all through the
//     library's own append path (LedgerWriter, the code behind every command: its guard, then the
//     appends) in transactions of B entries, each sealed with a signed checkpoint as a command
//     seals its own. Prints "append_rate <entries/s>", "append_seconds <s>", "seal_seconds <s>"
//     (the last batch's seal).
//
//   evidence-ledger-bench prove CASE --proofs P
//     Opens CASE and makes P inclusion proofs of random entries in the tree of its newest
//     checkpoint, each checked against the signed root (as `export` does). Prints
//     "proof_ms <mean milliseconds per proof>".
//
//   evidence-ledger-bench parse EXPORT
//     Detects and parses the message export EXPORT (ParseExport, messages dropped as they come),
//     nothing stored: the parser's own rate and memory, apart from what `add` does with the
//     messages. Prints "parse_seconds <s>", "parse_messages <n>".
//
// Progress and errors go to stderr; exit 1 on any failure.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/hash.hpp"
#include "evidence/key_file.hpp"
#include "evidence/ledger.hpp"
#include "evidence/messages.hpp"
#include "ledger_views.hpp"
#include "ledger_writer.hpp"
#include "sqlite_util.hpp"

namespace fs = std::filesystem;
using evidence::Status;

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "evidence-ledger-bench: %s: %s\n", what.c_str(), s.message().c_str());
  std::exit(1);
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: evidence-ledger-bench build CASE --entries N [--items K] [--batch B]\n"
               "       evidence-ledger-bench prove CASE --proofs P\n"
               "       evidence-ledger-bench parse EXPORT\n");
  std::exit(2);
}

std::uint64_t Flag(int argc, char** argv, const std::string& name, std::uint64_t fallback) {
  for (int i = 3; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

// Bench-only bulk items: writes each small generated file straight into objects/ (read-only, as
// the store keeps them) and records it exactly as ingest does (an item.ingested entry through the
// ledger writer and its items row), without the per-file sync and metadata sandbox of `add`, which
// the ingest benchmarks in run.sh measure. `verify` re-hashes these objects like any other.
std::vector<std::string> AddItems(const fs::path& dir, evidence::sql::Database& db,
                                  evidence::LedgerWriter& writer, const std::string& actor,
                                  std::uint64_t count) {
  // The library's own statement: `items` is a view over the stored table (ledger_views.hpp).
  auto insert = db.Prepare(evidence::kInsertItem);
  if (!insert.ok()) Fail("prepare", insert.status());
  std::vector<std::string> exhibits;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string content = "benchmark note " + std::to_string(i) + "\n";
    const std::string sha = evidence::DigestHex(evidence::Sha256::Of(evidence::AsBytes(content)));
    const fs::path object = dir / "objects" / sha.substr(0, 2) / sha.substr(2);
    fs::create_directories(object.parent_path());
    std::ofstream(object, std::ios::binary) << content;
    fs::permissions(object, fs::perms::owner_read);
    char exhibit[32];
    std::snprintf(exhibit, sizeof exhibit, "EX-%04llu", static_cast<unsigned long long>(i + 1));
    const std::string name = "note-" + std::to_string(i) + ".txt";
    evidence::LedgerEntry e;
    e.time = evidence::NowRfc3339();
    e.actor = actor;
    e.action = "item.ingested";
    e.data = {{"item", exhibit}, {"sha256", sha},      {"size", content.size()},
              {"name", name},    {"kind", "document"}, {"media_type", "text/plain"}};
    auto seq = writer.Append(e, std::string(exhibit), std::nullopt);
    if (!seq.ok()) Fail("append", seq.status());
    insert->Bind(1, std::string_view(exhibit))
        .Bind(2, static_cast<std::int64_t>(i + 1))
        .Bind(3, sha)
        .Bind(4, static_cast<std::int64_t>(content.size()))
        .BindBlob(5, evidence::AsBytes(name))
        .Bind(6, std::string_view("document"))
        .Bind(7, std::string_view("text/plain"))
        .BindNull(8)
        .Bind(9, e.time)
        .BindNull(10)
        .BindNull(11)
        .Bind(12, static_cast<std::int64_t>(*seq))
        .Bind(13, std::string_view("{}"));
    if (auto st = insert->Run(); !st.ok()) Fail("insert item", st);
    exhibits.push_back(exhibit);
  }
  return exhibits;
}

int Build(const fs::path& dir, std::uint64_t entries, std::uint64_t items, std::uint64_t batch) {
  evidence::CaseOptions opt;
  opt.name = "ledger benchmark";
  auto c = evidence::Case::Create(dir, opt);
  if (!c.ok()) Fail("create " + dir.string(), c.status());
  const evidence::CaseInfo info = c->info();
  const std::string actor = info.key_name;
  std::ifstream key_in(dir / "keys" / (info.key_name + ".key"), std::ios::binary);
  const std::string key_text((std::istreambuf_iterator<char>(key_in)),
                             std::istreambuf_iterator<char>());
  auto key = evidence::OpenSigningKey(key_text, info.uuid, std::nullopt);
  if (!key.ok()) Fail("open the case key", key.status());

  // A second connection to the same file (the case's own is idle until Seal), with the views
  // the library appends through (a plaintext case's).
  auto db = evidence::sql::Database::Open(dir / "ledger.sqlite", false, 60000);
  if (!db.ok()) Fail("open ledger", db.status());
  if (auto views = evidence::InstallLedgerViews(*db, nullptr); !views.ok()) Fail("views", views);
  auto size = evidence::LedgerSize(*db);
  if (!size.ok()) Fail("ledger size", size.status());
  const std::uint64_t first = *size;
  std::vector<std::string> exhibits;
  const auto append_start = Clock::now();
  std::uint64_t appended = 0;
  double seal_seconds = 0;
  while (first + appended < entries) {
    auto txn = evidence::sql::Transaction::Begin(*db);
    if (!txn.ok()) Fail("begin", txn.status());
    auto writer = evidence::LedgerWriter::Begin(*db, info.uuid, info.origin, key->public_key());
    if (!writer.ok()) Fail("writer", writer.status());
    if (exhibits.empty() && items > 0) {
      exhibits = AddItems(dir, *db, *writer, actor, items);
      appended += items;
    }
    const std::string now = evidence::NowRfc3339();
    for (std::uint64_t k = 0; k < batch && first + appended < entries; ++k, ++appended) {
      evidence::LedgerEntry e;
      e.time = now;
      e.actor = actor;
      e.action = "item.annotated";
      // One note in 100 is about an item (spread over all of them), so that an export of every
      // item discloses about 1% of the ledger besides their own entries.
      std::optional<std::string> item;
      e.data = {{"note", "reviewed, entry " + std::to_string(writer->size())}};
      if (!exhibits.empty() && appended % 100 == 0) {
        item = exhibits[(appended / 100) % exhibits.size()];
        e.data["item"] = *item;
      }
      auto seq = writer->Append(std::move(e), item, std::nullopt);
      if (!seq.ok()) Fail("append", seq.status());
    }
    const auto seal_start = Clock::now();
    if (auto s = writer->Seal(*key, info.key_name, info.origin); !s.ok()) Fail("seal", s);
    seal_seconds = Seconds(seal_start);
    if (auto s = txn->Commit(); !s.ok()) Fail("commit", s);
  }
  const double append_seconds = Seconds(append_start);

  std::printf("append_rate %.0f\nappend_seconds %.3f\nseal_seconds %.3f\n",
              static_cast<double>(appended) / append_seconds, append_seconds, seal_seconds);
  return 0;
}

int Prove(const fs::path& dir, std::uint64_t proofs) {
  auto c = evidence::Case::Open(dir);
  if (!c.ok()) Fail("open " + dir.string(), c.status());
  auto note = c->LatestCheckpoint();
  if (!note.ok()) Fail("checkpoint", note.status());
  auto cp = evidence::ParseCheckpointNote(*note);
  if (!cp.ok()) Fail("checkpoint", cp.status());
  auto db = evidence::sql::Database::Open(dir / "ledger.sqlite", false, 60000);
  if (!db.ok()) Fail("open ledger", db.status());
  const std::uint64_t size = cp->checkpoint.size;
  std::mt19937_64 rng(8);
  const auto start = Clock::now();
  auto source = evidence::LedgerHashSource::Load(*db, size);
  if (!source.ok()) Fail("source", source.status());
  for (std::uint64_t i = 0; i < proofs; ++i) {
    const std::uint64_t index = rng() % size;
    auto proof = evidence::CheckedInclusionProof(*db, *source, index, cp->checkpoint.root);
    if (!proof.ok()) Fail("proof of entry " + std::to_string(index), proof.status());
  }
  std::printf("proof_ms %.4f\n", Seconds(start) * 1000.0 / static_cast<double>(proofs));
  return 0;
}

int Parse(const fs::path& file) {
  std::uint64_t messages = 0;
  const auto start = Clock::now();
  auto summary = evidence::ParseExport(file, file.filename().string(), evidence::ParseOptions{},
                                       [&](evidence::Message&&) {
                                         ++messages;
                                         return Status::Ok();
                                       });
  if (!summary.ok()) Fail("parse " + file.string(), summary.status());
  std::printf("parse_seconds %.3f\nparse_messages %llu\n", Seconds(start),
              static_cast<unsigned long long>(messages));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Usage();
  const std::string mode = argv[1];
  const fs::path dir = argv[2];
  if (mode == "build") {
    const std::uint64_t entries = Flag(argc, argv, "--entries", 0);
    if (entries == 0) Usage();
    return Build(dir, entries, Flag(argc, argv, "--items", 0), Flag(argc, argv, "--batch", 100000));
  }
  if (mode == "prove") return Prove(dir, Flag(argc, argv, "--proofs", 1000));
  if (mode == "parse") return Parse(dir);
  Usage();
}
