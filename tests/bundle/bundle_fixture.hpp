// Shared by the bundle tests: bundles built by tests/bundle/make_bundle.py (an independent
// implementation of docs/bundle.md) and helpers to look at verification reports.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/bundle.hpp"
#include "testing.hpp"

namespace evidence::bundle_test {

namespace fs = std::filesystem;
using evidence::testing::RunProgram;
using evidence::testing::TempDir;

inline fs::path MakeBundleScript() {
  return fs::path(EVIDENCE_SOURCE_DIR) / "tests" / "bundle" / "make_bundle.py";
}

struct Built {
  fs::path file;
  fs::path keys;        // signer.pub.pem, other.pub.pem, older.checkpoint, same.checkpoint
  nlohmann::json info;  // see make_bundle.py --info
  bool ok = false;
};

// Builds `name` (its extension picks zip, tar or tar.gz) in `dir` with make_bundle.py `args`.
inline Built MakeBundle(const TempDir& dir, const std::string& name,
                        const std::vector<std::string>& args = {}) {
  Built b;
  b.file = dir / name;
  b.keys = dir / (name + ".keys");
  fs::path info = dir / (name + ".info.json");
  std::vector<std::string> argv = {"python3",       MakeBundleScript().string(),
                                   b.file.string(), "--info",
                                   info.string(),   "--keys",
                                   b.keys.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunProgram(argv);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "make_bundle.py failed (" << r.exit_code << "): " << r.err;
    return b;
  }
  b.info = nlohmann::json::parse(evidence::testing::ReadFile(info));
  b.ok = true;
  return b;
}

inline std::string Describe(const BundleReport& report) {
  std::ostringstream out;
  for (const auto& c : report.checks) {
    out << c.check << (c.ok ? " ok " : " FAIL ") << c.subject << ": " << c.detail << "\n";
  }
  out << (report.ok() ? "verified" : "not verified") << "\n";
  return out.str();
}

inline std::vector<BundleCheck> Failures(const BundleReport& report) {
  std::vector<BundleCheck> out;
  for (const auto& c : report.checks) {
    if (!c.ok) out.push_back(c);
  }
  return out;
}

// The first check line with this check name and subject, or nullptr.
inline const BundleCheck* FindCheck(const BundleReport& report, const std::string& check,
                                    const std::string& subject) {
  for (const auto& c : report.checks) {
    if (c.check == check && c.subject == subject) return &c;
  }
  return nullptr;
}

// True when some failing line of `check` has `subject` and a detail containing `needle`.
inline bool Fails(const BundleReport& report, const std::string& check, const std::string& subject,
                  const std::string& needle = "") {
  for (const auto& c : report.checks) {
    if (!c.ok && c.check == check && c.subject == subject &&
        c.detail.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

inline BundleReport MustVerify(const fs::path& file, const VerifyBundleOptions& options = {}) {
  auto report = VerifyBundle(file, options);
  if (!report.ok()) {
    ADD_FAILURE() << "VerifyBundle: " << report.status().ToString();
    return {};
  }
  return std::move(report).value();
}

}  // namespace evidence::bundle_test
