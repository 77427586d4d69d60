// `key passphrase` under every fault the sweep injects (docs/reliability.md): each write, fsync,
// rename and removal of the change fails in turn (once, from then on, and as a crash that drops
// what was not synced). Afterwards the case must open, leave nothing of the change behind, and
// every key file in it (two signing keys and the case key) must open with exactly one of the two
// passphrases, the same one for all; the new one whenever the command said it succeeded.
#include <gtest/gtest.h>

#include <cstring>

#include "case_key.hpp"
#include "case_paths.hpp"
#include "evidence/case.hpp"
#include "evidence/key_file.hpp"
#include "fault_injection.hpp"
#include "sweep.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

const std::string kOld = "old passphrase";
const std::string kNew = "new passphrase";
// The cheapest scrypt the files accept, so that the sweep's hundred-odd unlocks take seconds.
const ScryptParams kFast{std::uint64_t{1} << 10, 8, 1};

// Which passphrase opens `text` (a signing key file or the case key file), or "" for neither.
std::string OpensWith(const std::string& text, const std::string& uuid, bool case_key) {
  std::string which;
  for (const std::string& pass : {kOld, kNew}) {
    bool opens = false;
    if (case_key) {
      seal::Unlocker unlocker(pass);
      opens = OpenCaseKey(text, uuid, unlocker).ok();
    } else {
      opens = OpenSigningKey(text, uuid, pass).ok();
    }
    if (opens) which += which.empty() ? pass : "+" + pass;
  }
  return which;
}

PassphraseProvider Give(const std::string& pass) {
  return [pass] { return Result<std::string>(pass); };
}

class PassphraseChangeFaults : public ::testing::Test {
 protected:
  // A case whose key files are cheap to open: a passphrase case with a second (retired) signing
  // key and a case key file, all re-wrapped under kOld with kFast.
  void MakeTemplate() {
    const std::string creation = "creation passphrase";
    CaseOptions o;
    o.name = "Passphrase change faults";
    o.owner = "Test Owner";
    o.passphrase = creation;
    auto c = Case::Create(template_dir(), o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    uuid_ = c->info().uuid;
    auto key = SigningKey::Generate();
    ASSERT_TRUE(key.ok());
    auto retired = SealSigningKey(*key, "test-owner", uuid_, creation, kFast);
    ASSERT_TRUE(retired.ok());
    WriteFile(template_dir() / "keys" / "test-owner.retired.key", *retired);
    // A case made by a library that does not write the case key file yet gets one here.
    if (!fs::exists(CaseKeyPath(template_dir()))) {
      auto case_key = CaseKey::Generate();
      ASSERT_TRUE(case_key.ok());
      auto kek = seal::Kek::ForSealing(creation, kFast);
      ASSERT_TRUE(kek.ok());
      auto sealed = SealCaseKey(*case_key, uuid_, *kek);
      ASSERT_TRUE(sealed.ok());
      WriteFile(CaseKeyPath(template_dir()), *sealed);
    }
    Status changed = c->ChangePassphrase(creation, kOld, kFast);
    ASSERT_TRUE(changed.ok()) << changed.ToString();
  }

  // The passphrase every key file of `dir` opens with; a gtest failure when they differ or one
  // opens with neither or both.
  std::string KeyFilesOpenWith(const fs::path& dir) {
    std::string common;
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir / "keys")) {
      const std::string name = e.path().filename().string();
      const bool case_key = name == "case-key.sealed";
      EXPECT_TRUE(case_key || name.ends_with(".key") || name.ends_with(".pub.pem"))
          << "left in keys/: " << name;
      if (!case_key && !name.ends_with(".key")) continue;
      ++files;
      const std::string which = OpensWith(ReadFile(e.path()), uuid_, case_key);
      EXPECT_TRUE(which == kOld || which == kNew) << name << " opens with: \"" << which << "\"";
      if (common.empty()) common = which;
      EXPECT_EQ(which, common) << name << " is not wrapped like the others";
    }
    EXPECT_EQ(files, 3);
    return common;
  }

  fs::path template_dir() const { return tmp_ / "template"; }

  TempDir tmp_;
  std::string uuid_;
};

TEST_F(PassphraseChangeFaults, EveryStepLeavesOnePassphraseInForce) {
  MakeTemplate();
  ASSERT_FALSE(HasFatalFailure());
  std::uint64_t operations = 0;
  {
    CopyCase(template_dir(), tmp_ / "clean");
    FaultInjector count;
    {
      auto c = Case::Open(tmp_ / "clean", Give(kOld));
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      ASSERT_TRUE(c->ChangePassphrase(kOld, kNew, kFast).ok());
    }
    operations = count.operations();
  }
  EXPECT_EQ(KeyFilesOpenWith(tmp_ / "clean"), kNew);
  ASSERT_GT(operations, 0u);

  int reported_errors = 0, ended_old = 0, ended_new = 0;
  const FaultPlan kinds[] = {
      {0, FaultMode::kOnce, EIO}, {0, FaultMode::kFromThenOn, ENOSPC}, {0, FaultMode::kCrash, EIO}};
  for (FaultPlan plan : kinds) {
    for (std::uint64_t n = 1; n <= operations; ++n) {
      plan.at = n;
      const fs::path dir =
          tmp_ / ("run-" + std::to_string(static_cast<int>(plan.mode)) + "-" + std::to_string(n));
      CopyCase(template_dir(), dir);
      Status status;
      std::string what;
      {
        FaultInjector inj(plan);
        {
          auto c = Case::Open(dir, Give(kOld));
          status = c.ok() ? c->ChangePassphrase(kOld, kNew, kFast) : c.status();
        }
        what = inj.injected_operation();
        if (plan.mode == FaultMode::kCrash) inj.DropUnsyncedData();
      }
      SCOPED_TRACE(std::string(FaultModeName(plan.mode)) + " (" + std::strerror(plan.error) +
                   ") at operation " + std::to_string(n) + " [" + what +
                   "], command said: " + status.ToString());
      if (!status.ok()) ++reported_errors;
      // The next open finishes or discards what the fault left, before it reads any key.
      (void)Case::Open(dir, Give(kNew));
      const std::string in_force = KeyFilesOpenWith(dir);
      if (status.ok()) {
        EXPECT_EQ(in_force, kNew);
      }
      (in_force == kOld ? ended_old : ended_new)++;
      auto c = Case::Open(dir, Give(in_force));
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      Status unlocked = c->Unlock();
      EXPECT_TRUE(unlocked.ok()) << unlocked.ToString();
      auto report = c->Verify();
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      EXPECT_TRUE(report->ok()) << (report->failures.empty() ? "" : report->failures.front());
      if (HasFailure()) return;  // one detailed failure is enough to act on
      fs::remove_all(dir);
    }
  }
  // The sweep reached both sides of the commit point.
  EXPECT_GT(reported_errors, 0);
  EXPECT_GT(ended_old, 0);
  EXPECT_GT(ended_new, 0);
  std::cout << "[faults] key passphrase: " << operations << " operations; " << ended_old
            << " runs ended with the old passphrase, " << ended_new << " with the new\n";
}

}  // namespace
}  // namespace evidence::testing
