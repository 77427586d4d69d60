// The keyring (libevidence/src/store/keyring.hpp) of a real case after `key rotate`: the keys in
// ledger order, and the rule that a checkpoint is signed by the key in force at its size, so a
// retired key that signs after the rotation is named as such.
#include "keyring.hpp"

#include <gtest/gtest.h>

#include <string>

#include "case_paths.hpp"
#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/key_file.hpp"
#include "fixtures.hpp"
#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::CreateTestCase;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = CreateTestCase(tmp_ / "case", "keyring", "Test Owner");
    ASSERT_TRUE(c.ok()) << c.status().message();
    old_key_file_ = ReadFile(KeyFilePath(c->dir(), c->info().key_name));
    old_fingerprint_ = c->info().key_fingerprint;
    auto rotation = c->RotateKey(std::nullopt);
    ASSERT_TRUE(rotation.ok()) << rotation.status().message();
    rotation_ = *rotation;
    WriteFile(tmp_ / "after.txt", "added after the rotation\n");
    ASSERT_TRUE(c->Ingest(tmp_ / "after.txt", IngestOptions{}).ok());
    ASSERT_TRUE(c->Seal().ok());
    auto latest = c->LatestCheckpoint();
    ASSERT_TRUE(latest.ok());
    latest_ = *latest;
    uuid_ = c->info().uuid;
    auto db = sql::Database::Open(LedgerPath(tmp_ / "case"), false, 1000);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_.emplace(std::move(db).value());
  }

  TempDir tmp_;
  std::string old_key_file_;
  std::string old_fingerprint_;
  KeyRotation rotation_;
  std::string latest_;
  std::string uuid_;
  std::optional<sql::Database> db_;
};

TEST_F(KeyringTest, HistoryListsBothKeysTheSecondEndorsedByTheFirst) {
  auto keys = LoadKeyHistory(*db_, uuid_);
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  EXPECT_TRUE(keys->problems.empty()) << keys->problems.front();
  ASSERT_EQ(keys->epochs.size(), 2u);
  EXPECT_EQ(keys->epochs[0].fingerprint, old_fingerprint_);
  EXPECT_FALSE(keys->epochs[0].endorsed_by.has_value());
  EXPECT_EQ(keys->epochs[1].fingerprint, rotation_.new_fingerprint);
  EXPECT_EQ(keys->epochs[1].seq, rotation_.entry);
  EXPECT_EQ(keys->epochs[1].endorsed_by, old_fingerprint_);
}

TEST_F(KeyringTest, LatestCheckpointVerifiesWithTheNewKey) {
  auto keys = LoadKeyHistory(*db_, uuid_);
  ASSERT_TRUE(keys.ok());
  auto verified = VerifyCaseCheckpoint(*keys, latest_);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_GT(verified->checkpoint.size, rotation_.entry);
}

TEST_F(KeyringTest, RetiredKeySigningAfterTheRotationIsNamed) {
  auto old_key = OpenSigningKey(old_key_file_, uuid_, std::nullopt);
  ASSERT_TRUE(old_key.ok()) << old_key.status().message();
  auto latest = ParseCheckpointNote(latest_);
  ASSERT_TRUE(latest.ok());
  auto forged = SignCheckpoint(latest->checkpoint, rotation_.key_name, *old_key);
  ASSERT_TRUE(forged.ok()) << forged.status().message();

  auto keys = LoadKeyHistory(*db_, uuid_);
  ASSERT_TRUE(keys.ok());
  auto verified = VerifyCaseCheckpoint(*keys, *forged);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(verified.status().message(),
            "signed by key " + old_fingerprint_ + ", which entry " +
                std::to_string(rotation_.entry) + " (key.added) had replaced by " +
                rotation_.new_fingerprint +
                ": a checkpoint after a rotation must be signed by the new key");
}

TEST_F(KeyringTest, CheckpointBeforeAnyKeyCannotBeSigned) {
  auto keys = LoadKeyHistory(*db_, uuid_);
  ASSERT_TRUE(keys.ok());
  auto old_key = OpenSigningKey(old_key_file_, uuid_, std::nullopt);
  ASSERT_TRUE(old_key.ok());
  auto latest = ParseCheckpointNote(latest_);
  ASSERT_TRUE(latest.ok());
  Checkpoint first = latest->checkpoint;
  first.size = 1;  // only case.created: no key.added entry comes before it
  auto note = SignCheckpoint(first, rotation_.key_name, *old_key);
  ASSERT_TRUE(note.ok());
  auto verified = VerifyCaseCheckpoint(*keys, *note);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().message(),
            "no key.added entry comes before entry 1, so no key could sign it");
}

}  // namespace
}  // namespace evidence
