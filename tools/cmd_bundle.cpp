// Bundles: export (the victim's hand-over), verify-bundle (the officer's check), receive.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "cli.hpp"
#include "evidence/age.hpp"
#include "evidence/bundle.hpp"
#include "evidence/small_file.hpp"

namespace evidence::cli {

namespace {

enum class ReportDetail { kFailures, kSummary, kEveryCheck };

std::string ExporterFingerprint(const BundleReport& r) {
  for (const auto& s : r.signers) {
    if (s.role == "exporter") return s.fingerprint;
  }
  return "(unknown)";
}

// The flag of each field of ExportOptions, VerifyBundleOptions and Receive's parameters. The
// library names an input by its field (Status::argument(), and "options.<field>" inside a report
// line, docs/verify-bundle.md "Report lines"); the user knows it by its flag.
const std::map<std::string, std::string>& Flags() {
  static const std::map<std::string, std::string> flags = {
      {"age_identities", "-i/--identity"},
      {"encrypt_to", "--encrypt-to"},
      {"fingerprint", "--fingerprint"},
      {"note", "--note"},
      {"out", "--out"},
      {"recipient", "--recipient"},
      {"require_trust", "--require-trust"},
      {"since_checkpoint", "--since-checkpoint"},
      {"trust", "--trust"},
      {"tsa_ca", "--tsa-ca"}};
  return flags;
}

// Report lines, and receive's refusal that quotes one, name an option as "options.<field>";
// shown to the user, it is the flag.
std::string WithFlags(std::string text) {
  for (const auto& [field, flag] : Flags()) {
    const std::string token = "options." + field;
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), flag);
    }
  }
  return text;
}

void ShowFlags(BundleReport* report) {
  for (auto& check : report->checks) check.detail = WithFlags(std::move(check.detail));
}

// An error of export, verify-bundle or receive, with the flag of the input it is about.
int ReportBundleError(const Status& status) {
  std::string message = WithFlags(status.message());
  auto flag = Flags().find(status.argument());
  if (status.argument() == "out") {
    // The message names the file; what the user can do about it is a flag of its own.
    if (status.code() == StatusCode::kAlreadyExists) message += " (use --force to replace it)";
  } else if (flag != Flags().end()) {
    message = flag->second + ": " + message;
  }
  return ReportError(Status(status.code(), message));
}

// docs/verify-bundle.md "Output". Every string in the report is already printable (VerifyBundle
// escapes control characters from the archive). The last line is the verdict, and says so when
// the bundle is intact but nothing confirmed who signed it.
void PrintBundleReport(const BundleReport& r, ReportDetail detail) {
  std::size_t passed = 0, failed = 0;
  for (const auto& c : r.checks) {
    (c.ok ? passed : failed) += 1;
    // A time-stamp line is a finding, not only a pass: when the records existed, and says who.
    bool shown = !c.ok || detail == ReportDetail::kEveryCheck ||
                 (detail == ReportDetail::kSummary && c.check == "timestamp");
    if (!shown) continue;
    std::cout << (c.ok ? "ok    " : "FAIL  ") << c.check << "  " << c.subject
              << (c.detail.empty() ? "" : ": " + c.detail) << "\n";
  }
  if (detail == ReportDetail::kFailures) return;
  for (const auto& s : r.signers) {
    std::cout << "signer  " << s.role << "  " << s.key_name << "  " << s.fingerprint << "  case "
              << s.case_uuid << "  tree size " << s.tree_size << "\n";
  }
  std::cout << passed << " checks passed, " << failed << " failed"
            << (detail == ReportDetail::kSummary ? " (--verbose lists every check)" : "") << "\n";
  std::string what =
      std::to_string(r.items) + " item(s), " + std::to_string(r.payload_bytes) + " payload bytes";
  if (!r.ok()) {
    std::cout << "bundle does NOT verify: " << failed << " check(s) failed; " << what << "\n";
  } else if (r.signer_confirmed) {
    std::cout << "bundle verifies: " << what << ", signed by the confirmed key "
              << ExporterFingerprint(r) << "\n";
  } else {
    std::string fp = ExporterFingerprint(r);
    std::cout << "bundle intact, but the signer is UNCONFIRMED: " << what << "; compare " << fp
              << " with the sender's fingerprint by another channel, then run again with "
              << "--fingerprint " << fp << "\n";
  }
}

// The signer and time-stamp options verify-bundle and receive share: an officer can demand the
// same confirmation before a bundle is taken into custody as before it is believed.
struct SignerFlags {
  std::string trust, fingerprint, tsa_ca;
  bool require_trust = false;

  void ApplyTo(VerifyBundleOptions* opt) const {
    if (!trust.empty()) opt->trust = trust;
    if (!fingerprint.empty()) opt->fingerprint = fingerprint;
    if (!tsa_ca.empty()) opt->tsa_ca = tsa_ca;
    opt->require_trust = require_trust;
  }
};

void AddSignerOptions(CLI::App* cmd, SignerFlags* f) {
  auto* trust = cmd->add_option(
      "--trust", f->trust,
      "the exporter's public key (PEM file) or fingerprint (SHA256:...) to require, or a key "
      "that endorsed it");
  cmd->add_option("--fingerprint", f->fingerprint,
                  "SHA256:... the exporter's key fingerprint, as the sender told it: require "
                  "exactly this key")
      ->excludes(trust);
  cmd->add_flag("--require-trust", f->require_trust,
                "fail unless --trust or --fingerprint confirms the signer");
  cmd->add_option("--tsa-ca", f->tsa_ca,
                  "CA certificate(s) the bundle's time-stamp tokens must chain to (PEM)");
}

// Identity and recipient files are a few lines; anything over 1 MiB is not one.
constexpr std::size_t kMaxAgeKeyFile = std::size_t{1} << 20;

// The age options of verify-bundle and receive: identity files, or the bundle's passphrase.
struct AgeFlags {
  std::vector<std::string> identity_files;
  bool passphrase = false;
  std::string passphrase_file;
};

void AddAgeOptions(CLI::App* cmd, AgeFlags* f) {
  cmd->add_option("-i,--identity", f->identity_files,
                  "an age identity file (as age-keygen writes it) for a .age bundle (repeat)");
  cmd->add_flag("--bundle-passphrase", f->passphrase,
                "the .age bundle is encrypted to a passphrase: ask for it (or read "
                "--bundle-passphrase-file, $EVIDENCE_BUNDLE_PASSPHRASE)");
  cmd->add_option("--bundle-passphrase-file", f->passphrase_file,
                  "read the .age bundle's passphrase from this file");
}

// Identities from -i files and the bundle passphrase; errors name the flag.
Result<std::vector<AgeIdentity>> ReadAgeIdentities(const AgeFlags& f) {
  std::vector<AgeIdentity> out;
  for (const auto& path : f.identity_files) {
    auto text = ReadSmallFile(path, kMaxAgeKeyFile);
    if (!text.ok()) return Status(text.status().code(), "-i: " + text.status().message());
    auto ids = ParseAgeIdentityFile(*text);
    if (!ids.ok()) {
      return Status::InvalidArgument("-i: " + path + ": " + ids.status().message());
    }
    out.insert(out.end(), ids->begin(), ids->end());
  }
  if (f.passphrase || !f.passphrase_file.empty() ||
      (std::getenv("EVIDENCE_BUNDLE_PASSPHRASE") && *std::getenv("EVIDENCE_BUNDLE_PASSPHRASE"))) {
    auto pass = ReadPassphraseFrom(f.passphrase_file, "EVIDENCE_BUNDLE_PASSPHRASE",
                                   "Passphrase of the bundle: ", false);
    if (!pass.ok()) return pass.status();
    auto id = AgeIdentity::Passphrase(*pass);
    if (!id.ok()) return id.status();
    out.push_back(*id);
  }
  return out;
}

// --encrypt-to values: an "age1..." recipient, or a file of them.
Result<std::vector<AgeRecipient>> ReadAgeRecipients(const std::vector<std::string>& values) {
  std::vector<AgeRecipient> out;
  for (const auto& v : values) {
    if (v.starts_with("AGE-SECRET-KEY-")) {
      // Never echo it: it is the secret half.
      return Status::InvalidArgument(
          "--encrypt-to: that is an age secret key, not a recipient: give its age1... public key "
          "(age-keygen -y KEYFILE prints it)");
    }
    if (v.starts_with("age1")) {
      auto r = AgeRecipient::Parse(v);
      if (!r.ok()) return Status::InvalidArgument("--encrypt-to: " + r.status().message());
      out.push_back(*r);
      continue;
    }
    auto text = ReadSmallFile(v, kMaxAgeKeyFile);
    if (!text.ok()) {
      return Status::InvalidArgument("--encrypt-to: " + v +
                                     ": neither an age1... recipient nor a readable file of them");
    }
    auto rs = ParseAgeRecipientsFile(*text);
    if (!rs.ok())
      return Status::InvalidArgument("--encrypt-to: " + v + ": " + rs.status().message());
    out.insert(out.end(), rs->begin(), rs->end());
  }
  return out;
}

void AddExport(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd =
      app.add_subcommand("export", "write a bundle for investigators (BagIt .zip/.tar/.tar.gz)");
  auto opt = std::make_shared<ExportOptions>();
  auto out = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "the bundle to write: FILE.zip, FILE.tar or FILE.tar.gz")
      ->required();
  cmd->add_option("--item", opt->items, "an exhibit to include (repeat; default: everything)");
  cmd->add_option("--incident", opt->incidents,
                  "an incident to include, with its evidence (repeat)");
  cmd->add_option("--since", *since, "include what happened at or after this time");
  cmd->add_option("--until", *until, "include what happened at or before this time");
  cmd->add_option("--recipient", opt->recipient, "who the bundle is for (recorded in the ledger)");
  cmd->add_flag("--force", opt->force, "replace an existing bundle file");
  auto since_cp = std::make_shared<std::string>();
  cmd->add_option("--since-checkpoint", *since_cp,
                  "an older checkpoint file of this case: also carry the proof that the ledger "
                  "only grew since");
  auto encrypt_to = std::make_shared<std::vector<std::string>>();
  auto encrypt_pass = std::make_shared<bool>(false);
  auto pass_file = std::make_shared<std::string>();
  auto* to = cmd->add_option("--encrypt-to", *encrypt_to,
                             "encrypt the bundle with age to this recipient (age1...) or file of "
                             "them (repeat); --out must end in .age");
  cmd->add_flag("--encrypt-passphrase", *encrypt_pass,
                "encrypt the bundle with age to a passphrase (asked twice, or "
                "--bundle-passphrase-file, $EVIDENCE_BUNDLE_PASSPHRASE); --out must end in .age")
      ->excludes(to);
  cmd->add_option("--bundle-passphrase-file", *pass_file,
                  "read the bundle's passphrase from this file");
  cmd->callback([&g, &run, opt, out, since, until, since_cp, encrypt_to, encrypt_pass, pass_file] {
    run = [&g, opt, out, since, until, since_cp, encrypt_to, encrypt_pass, pass_file]() -> int {
      opt->out = *out;
      if (!encrypt_to->empty()) {
        auto r = ReadAgeRecipients(*encrypt_to);
        if (!r.ok()) return ReportError(r.status());
        opt->encrypt_to = *r;
      } else if (*encrypt_pass) {
        auto pass = ReadPassphraseFrom(*pass_file, "EVIDENCE_BUNDLE_PASSPHRASE",
                                       "Passphrase for the bundle: ", true);
        if (!pass.ok()) return ReportError(pass.status());
        auto r = AgeRecipient::Passphrase(*pass);
        if (!r.ok()) return ReportError(r.status());
        opt->encrypt_to = {*r};
      }
      if (!since_cp->empty()) opt->since_checkpoint = *since_cp;
      if (!since->empty()) {
        auto t = TimeBound(*since, false);
        if (!t.ok()) return ReportError(t.status().WithContext("--since"));
        opt->since = *t;
      }
      if (!until->empty()) {
        auto t = TimeBound(*until, true);
        if (!t.ok()) return ReportError(t.status().WithContext("--until"));
        opt->until = *t;
      }
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      auto r = c->Export(*opt);
      if (!r.ok()) return ReportBundleError(r.status());
      if (g.json) {
        PrintJson({{"file", r->file.string()},
                   {"top_folder", r->top_folder},
                   {"items", r->items},
                   {"incidents", r->incidents},
                   {"entries", r->entries},
                   {"payload_bytes", r->payload_bytes},
                   {"manifest_sha256", r->manifest_sha256},
                   {"export_entry", r->export_entry},
                   {"tree_size", r->tree_size},
                   {"consistency_proofs", r->consistency_proofs},
                   {"fingerprint", c->info().key_fingerprint}});
      } else if (!g.quiet) {
        std::cout << "wrote " << r->file.string() << ": " << r->items << " item(s), "
                  << r->incidents << " incident(s), " << r->entries
                  << " ledger entries with proofs against checkpoint " << r->tree_size << "\n"
                  << "recorded as ledger entry " << r->export_entry << "; manifest sha256 "
                  << r->manifest_sha256 << "\n"
                  << "signer fingerprint " << c->info().key_fingerprint
                  << " (tell the recipient by another channel)\n";
        if (!opt->encrypt_to.empty()) {
          std::cout << "encrypted with age to "
                    << (opt->encrypt_to[0].is_passphrase()
                            ? std::string("a passphrase")
                            : std::to_string(opt->encrypt_to.size()) + " recipient(s)")
                    << ": it opens with age -d, or verify-bundle/receive with -i or "
                       "--bundle-passphrase\n";
        }
      }
      return kExitOk;
    };
  });
}

void AddVerifyBundle(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd = app.add_subcommand("verify-bundle",
                                 "check a bundle offline, without unpacking it (no case needed)");
  auto file = std::make_shared<std::string>();
  auto opt = std::make_shared<VerifyBundleOptions>();
  auto signer = std::make_shared<SignerFlags>();
  cmd->add_option("file", *file, "the bundle (.zip, .tar, .tar.gz)")->required();
  AddSignerOptions(cmd, signer.get());
  auto since_cp = std::make_shared<std::string>();
  auto verbose = std::make_shared<bool>(false);
  cmd->add_flag("--verbose", *verbose, "list every check, not only the failures");
  cmd->add_option("--since-checkpoint", *since_cp,
                  "an older checkpoint of the same case: require that the ledger only grew since");
  auto age = std::make_shared<AgeFlags>();
  AddAgeOptions(cmd, age.get());
  cmd->callback([&g, &run, file, opt, signer, since_cp, verbose, age] {
    run = [&g, file, opt, signer, since_cp, verbose, age]() -> int {
      signer->ApplyTo(opt.get());
      auto ids = ReadAgeIdentities(*age);
      if (!ids.ok()) return ReportError(ids.status());
      opt->age_identities = *ids;
      if (!since_cp->empty()) opt->since_checkpoint = *since_cp;
      auto r = VerifyBundle(*file, *opt);
      if (!r.ok()) return ReportBundleError(r.status());
      ShowFlags(&*r);
      if (g.json) {
        PrintJson(BundleReportJson(*r));
      } else {
        PrintBundleReport(*r, g.quiet    ? ReportDetail::kFailures
                              : *verbose ? ReportDetail::kEveryCheck
                                         : ReportDetail::kSummary);
      }
      return r->ok() ? kExitOk : kExitNotVerified;
    };
  });
}

void AddReceive(CLI::App& app, Globals& g, Runner& run) {
  auto* cmd =
      app.add_subcommand("receive", "take a verified bundle into this case; custody continues");
  auto file = std::make_shared<std::string>();
  auto note = std::make_shared<std::string>();
  auto signer = std::make_shared<SignerFlags>();
  cmd->add_option("file", *file, "the bundle")->required();
  cmd->add_option("--note", *note, "a note recorded with the receipt");
  AddSignerOptions(cmd, signer.get());
  auto age = std::make_shared<AgeFlags>();
  AddAgeOptions(cmd, age.get());
  cmd->callback([&g, &run, file, note, signer, age] {
    run = [&g, file, note, signer, age]() -> int {
      auto ids = ReadAgeIdentities(*age);
      if (!ids.ok()) return ReportError(ids.status());
      auto c = OpenCase(g);
      if (!c.ok()) return ReportError(c.status());
      VerifyBundleOptions opt;
      signer->ApplyTo(&opt);
      opt.age_identities = *ids;
      auto r = c->Receive(*file, *note, opt);
      if (!r.ok()) return ReportBundleError(r.status());
      ShowFlags(&r->report);
      if (g.json) {
        nlohmann::json j = BundleReportJson(r->report);
        j["imported"] = r->imported;
        j["already"] = r->already;
        j["custody"] = r->custody;
        j["entry"] = r->entry;
        PrintJson(j);
      } else if (!g.quiet) {
        for (const auto& s : r->report.signers) {
          std::cout << "signer  " << s.role << "  " << s.key_name << "  " << s.fingerprint << "\n";
        }
        for (const auto& x : r->imported) std::cout << "received " << x << "\n";
        for (const auto& x : r->already) std::cout << "already held " << x << "\n";
        std::cout << "recorded as ledger entry " << r->entry
                  << "; the sender's records are in custody/" << r->custody << "\n";
      }
      if (!r->report.signer_confirmed) {
        PrintWarning("the sender's key " + ExporterFingerprint(r->report) +
                     " is unconfirmed: compare it with the sender by another channel "
                     "(--fingerprint SHA256:... or --require-trust refuse an unconfirmed one)");
      }
      return kExitOk;
    };
  });
}

}  // namespace

void AddBundleCommands(CLI::App& app, Globals& g, Runner& run) {
  AddExport(app, g, run);
  AddVerifyBundle(app, g, run);
  AddReceive(app, g, run);
}

}  // namespace evidence::cli
