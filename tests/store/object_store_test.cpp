// The object store (libevidence/src/store/object_store.hpp) on a real folder: what goes in comes
// back out byte for byte, a changed or missing object is refused naming it, and a staged copy
// that is discarded or never committed leaves no object behind.
#include "object_store.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "file_system.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class ObjectStoreTest : public ::testing::Test {
 protected:
  ObjectStoreTest() : store_(tmp_ / "case", FileSystem::Default()) {
    fs::create_directories(tmp_ / "case" / "objects");
    fs::create_directories(tmp_ / "case" / "tmp");
  }

  // Writes `content` as a source file and puts it into the store.
  StagedObject Put(const std::string& content) {
    fs::path source = tmp_ / ("source-" + std::to_string(++sources_));
    WriteFile(source, content);
    auto staged = store_.Stage(source);
    EXPECT_TRUE(staged.ok()) << staged.status().message();
    EXPECT_TRUE(store_.Commit(*staged).ok());
    return *staged;
  }

  std::string Get(const StagedObject& o, Status* status) {
    std::string out;
    *status = store_.Stream(o.sha256, o.size, [&](ByteView chunk) {
      out.append(chunk.begin(), chunk.end());
      return Status::Ok();
    });
    return out;
  }

  std::vector<fs::path> TmpFiles() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(tmp_ / "case" / "tmp")) out.push_back(e.path());
    return out;
  }

  TempDir tmp_;
  ObjectStore store_;
  int sources_ = 0;
};

TEST_F(ObjectStoreTest, PutThenGetGivesTheSameBytesAtTheContentAddress) {
  std::string content = "a photo's bytes\n" + std::string(300000, 'x');  // more than one block
  StagedObject o = Put(content);
  EXPECT_EQ(o.size, content.size());
  EXPECT_EQ(o.sha256, Sha256::Of(std::string_view(content)));

  std::string hex = DigestHex(o.sha256);
  EXPECT_EQ(store_.RelativePathFor(o.sha256), "objects/" + hex.substr(0, 2) + "/" + hex.substr(2));
  EXPECT_EQ(ReadFile(store_.PathFor(o.sha256)), content);
  // Stored originals are read-only.
  struct stat st;
  ASSERT_EQ(::stat(store_.PathFor(o.sha256).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u);

  Status s;
  EXPECT_EQ(Get(o, &s), content);
  EXPECT_TRUE(s.ok()) << s.message();
  auto check = store_.Rehash(o.sha256, o.size);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->sha256, o.sha256);

  auto listed = store_.ListObjects();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<std::string>{hex});
  EXPECT_TRUE(TmpFiles().empty());
}

TEST_F(ObjectStoreTest, FlippedByteIsDetectedOnReadAndNamesTheObject) {
  StagedObject o = Put("the original words");
  fs::path path = store_.PathFor(o.sha256);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = ReadFile(path);
  bytes[4] ^= 0x01;  // same length: only the hash can tell
  WriteFile(path, bytes);

  Status s;
  Get(o, &s);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), store_.RelativePathFor(o.sha256) +
                             " no longer matches its SHA-256; nothing was copied");

  auto check = store_.Rehash(o.sha256, o.size);
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->sha256, o.sha256);

  fs::path dest = tmp_ / "extracted";
  Status copied = store_.CopyOut(o.sha256, o.size, dest);
  EXPECT_EQ(copied.code(), StatusCode::kVerificationFailed);
  EXPECT_FALSE(fs::exists(dest)) << "a changed object must not be handed out";
}

TEST_F(ObjectStoreTest, ObjectOfAnotherLengthIsRefusedWithoutReadingIt) {
  StagedObject o = Put("twelve bytes");
  fs::path path = store_.PathFor(o.sha256);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(path, "twelve bytes and more");
  auto check = store_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(check.status().message().find(store_.RelativePathFor(o.sha256) + " is 21 bytes"),
            std::string::npos)
      << check.status().message();
}

TEST_F(ObjectStoreTest, MissingObjectIsNamed) {
  StagedObject o = Put("soon gone");
  fs::remove(store_.PathFor(o.sha256));

  auto check = store_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(check.status().message(), store_.RelativePathFor(o.sha256) + " is missing");

  Status s;
  Get(o, &s);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), store_.RelativePathFor(o.sha256) + " is missing from the case");
}

TEST_F(ObjectStoreTest, SymbolicLinkInPlaceOfAnObjectIsNeverFollowed) {
  StagedObject o = Put("kept safe");
  fs::path path = store_.PathFor(o.sha256);
  fs::path outside = tmp_ / "outside";
  WriteFile(outside, "kept safe");  // the same bytes: only the link gives it away
  fs::remove(path);
  fs::create_symlink(outside, path);
  auto check = store_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(check.status().message().find("is a symbolic link"), std::string::npos)
      << check.status().message();
}

TEST_F(ObjectStoreTest, DiscardedStagingLeavesNoObjectAndNoTempFile) {
  fs::path source = tmp_ / "source";
  WriteFile(source, "never kept");
  auto staged = store_.Stage(source);
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(TmpFiles().size(), 1u);
  EXPECT_EQ(ReadFile(staged->temp_path), "never kept");

  store_.Discard(*staged);
  EXPECT_TRUE(TmpFiles().empty());
  EXPECT_FALSE(fs::exists(store_.PathFor(staged->sha256)));
  EXPECT_EQ(ReadFile(source), "never kept") << "the source is only read";
}

TEST_F(ObjectStoreTest, BatchReportsOnlyNewObjectsSoARollbackRemovesNothingOlder) {
  StagedObject old = Put("already evidence");
  fs::path a = tmp_ / "a", b = tmp_ / "b";
  WriteFile(a, "already evidence");  // a duplicate of the stored object
  WriteFile(b, "new evidence");
  std::vector<UnsyncedObject> batch;
  for (const auto& p : {a, b}) {
    auto u = store_.StageUnsynced(p);
    ASSERT_TRUE(u.ok()) << u.status().message();
    batch.push_back(std::move(*u));
  }
  std::vector<fs::path> added;
  ASSERT_TRUE(store_.CommitBatch(batch, &added).ok());
  Sha256Digest new_digest = Sha256::Of(std::string_view("new evidence"));
  EXPECT_EQ(added, std::vector<fs::path>{store_.PathFor(new_digest)});
  EXPECT_TRUE(TmpFiles().empty());

  // The caller's rollback when it cannot record the batch: remove what the batch added.
  for (const auto& p : added) fs::remove(p);
  EXPECT_FALSE(fs::exists(store_.PathFor(new_digest)));
  Status s;
  EXPECT_EQ(Get(old, &s), "already evidence");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(ObjectStoreTest, UnreadableSourceIsBadInputAndStagesNothing) {
  auto staged = store_.Stage(tmp_ / "does-not-exist");
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(TmpFiles().empty());
}

}  // namespace
}  // namespace evidence
