// `timestamp request` and `timestamp attach`: RFC 3161 time-stamps over the latest checkpoint
// (README "Proving when").
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli.hpp"

namespace evidence::cli {

namespace {

// Writes the request to a new file (never replacing one without --force).
Status WriteRequestFile(const fs::path& path, const Bytes& der, bool force) {
  std::error_code ec;
  if (fs::exists(path, ec) && !force) {
    return Status::AlreadyExists(path.string() + ": exists (use --force to replace it)");
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError(path.string() + ": cannot be written");
  out.write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  out.close();
  if (!out) return Status::IoError(path.string() + ": write failed");
  return Status::Ok();
}

void AddTimestampRequestCommand(CLI::App* ts, Globals& g, Runner& run) {
  auto* cmd = ts->add_subcommand(
      "request", "write an RFC 3161 request over the latest checkpoint (send it to a TSA)");
  auto out = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("--out", *out,
                  "request file to write (default: DER on stdout when it is not a terminal, "
                  "else checkpoint-<size>.tsq here)");
  cmd->add_flag("--force", *force, "replace an existing --out file");
  cmd->callback([&g, &run, out, force] {
    run = [&g, out, force]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      // The target is decided before anything is written to the case.
      bool to_stdout = out->empty() && !g.json && isatty(STDOUT_FILENO) == 0;
      auto r = c->RequestTimestamp();
      if (!r.ok()) return ReportError(r.status());
      fs::path file = !out->empty()
                          ? fs::path(*out)
                          : fs::path("checkpoint-" + std::to_string(r->tree_size) + ".tsq");
      if (to_stdout) {
        std::cout.write(reinterpret_cast<const char*>(r->request.data()),
                        static_cast<std::streamsize>(r->request.size()));
        std::cout.flush();
        if (!std::cout) return ReportError(Status::IoError("stdout: write failed"));
      } else if (Status s = WriteRequestFile(file, r->request, *force); !s.ok()) {
        std::error_code ec;
        fs::remove(r->pending, ec);  // nothing will answer a request that was never written
        return ReportError(s);
      }
      std::string where = to_stdout ? std::string("stdout") : file.string();
      if (g.json) {
        PrintJson({{"file", where},
                   {"tree_size", r->tree_size},
                   {"imprint", DigestHex(r->imprint)},
                   {"nonce", r->nonce}});
      } else if (!g.quiet) {
        // With the request on stdout, the words go to stderr.
        std::ostream& o = to_stdout ? std::cerr : std::cout;
        o << "time-stamp request for checkpoint " << r->tree_size << " (SHA-256 of its body "
          << DigestHex(r->imprint) << ", nonce " << r->nonce << ") written to "
          << PrintableText(where) << "\n";
        if (!to_stdout) {
          o << "send it to a time-stamping authority, for example:\n"
            << "  curl -sS -H 'Content-Type: application/timestamp-query' --data-binary @"
            << PrintableText(file.string()) << " https://freetsa.org/tsr > "
            << PrintableText(file.stem().string()) << ".tsr\n"
            << "then: evidence timestamp attach " << PrintableText(file.stem().string())
            << ".tsr\n";
        }
      }
      return kExitOk;
    };
  });
}

void AddTimestampAttachCommand(CLI::App* ts, Globals& g, Runner& run) {
  auto* cmd = ts->add_subcommand(
      "attach", "check a TSA's response against the pending request and keep it in the case");
  auto file = std::make_shared<std::string>();
  auto tsa_ca = std::make_shared<std::string>();
  cmd->add_option("file", *file, "the TSA's response (.tsr, DER)")->required();
  cmd->add_option("--tsa-ca", *tsa_ca,
                  "CA certificate(s) of the TSA (PEM): also require the certificate chain");
  cmd->callback([&g, &run, file, tsa_ca] {
    run = [&g, file, tsa_ca]() -> int {
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      if (Status s = c->Unlock(); !s.ok()) return ReportError(s);
      std::optional<fs::path> ca;
      if (!tsa_ca->empty()) ca = fs::path(*tsa_ca);
      auto r = c->AttachTimestamp(*file, ca);
      if (!r.ok()) return ReportError(r.status(), {{"tsa_ca_pem", "--tsa-ca"}});
      const TimestampToken& t = r->token;
      if (g.json) {
        PrintJson({{"file", *file},
                   {"tree_size", r->tree_size},
                   {"gen_time", t.gen_time},
                   {"tsa", t.tsa_name},
                   {"serial", t.serial},
                   {"policy", t.policy},
                   {"chain_checked", t.chain_checked},
                   {"token_sha256", r->token_sha256},
                   {"stored", r->stored.string()},
                   {"entry", r->entry}});
      } else if (!g.quiet) {
        // The TSA's words come from a file anyone could have made.
        std::cout << "checkpoint " << r->tree_size << " existed at " << PrintableText(t.gen_time)
                  << " (TSA: " << PrintableText(t.tsa_name) << ", serial "
                  << PrintableText(t.serial) << ")\n";
        std::cout << (t.chain_checked
                          ? "the TSA certificate chains to --tsa-ca " + PrintableText(*tsa_ca)
                          : "the TSA certificate chain was NOT checked (give --tsa-ca PEM to "
                            "check it)")
                  << "\n";
        std::cout << "stored as " << PrintableText(r->stored.string())
                  << "; recorded as ledger entry " << r->entry << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace

void AddTimestampCommands(CLI::App& app, Globals& g, Runner& run) {
  auto* ts = app.add_subcommand(
      "timestamp", "RFC 3161 time-stamps: proof from a TSA that the ledger existed at a time");
  ts->require_subcommand(1);

  AddTimestampRequestCommand(ts, g, run);
  AddTimestampAttachCommand(ts, g, run);
}

}  // namespace evidence::cli
