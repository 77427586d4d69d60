// The object store (libevidence/src/store/object_store.hpp) on a real folder: what goes in comes
// back out byte for byte, a changed or missing object is refused naming it, and a staged copy
// that is discarded or never committed leaves no object behind; given the case key, the same
// holds of encrypted objects, and each kind of damage to one is named.
#include "object_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "case_key.hpp"
#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "file_system.hpp"
#include "memory_file.hpp"
#include "status_macros.hpp"
#include "stream_aead.hpp"
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

// The same store given the case key: objects are encrypted at rest under keyed names
// (docs/case-format.md, "Encryption at rest"), and each kind of damage is named.
class EncryptedObjectStoreTest : public ObjectStoreTest {
 protected:
  EncryptedObjectStoreTest()
      : key_(std::move(CaseKey::Generate().value())),
        encrypted_(tmp_ / "case", FileSystem::Default(), &key_) {}

  StagedObject PutEncrypted(const std::string& content) {
    fs::path source = tmp_ / ("source-" + std::to_string(++sources_));
    WriteFile(source, content);
    auto staged = encrypted_.Stage(source);
    EXPECT_TRUE(staged.ok()) << staged.status().message();
    EXPECT_TRUE(encrypted_.Commit(*staged).ok());
    return *staged;
  }

  Status GetEncrypted(const StagedObject& o, std::string* out) {
    return encrypted_.Stream(o.sha256, o.size, [&](ByteView chunk) {
      out->append(chunk.begin(), chunk.end());
      return Status::Ok();
    });
  }

  // Rewrites a stored (read-only) object's bytes.
  void Overwrite(const fs::path& path, const std::string& bytes) {
    fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
    WriteFile(path, bytes);
  }

  // Content of `n` bytes with a marker string at the start.
  static std::string Content(std::size_t n, char fill = 'q') {
    std::string s = "MARKER-plaintext-evidence-words ";
    s.resize(n, fill);
    return s;
  }

  CaseKey key_;
  ObjectStore encrypted_;
};

TEST_F(EncryptedObjectStoreTest, RoundTripKeepsNeitherThePlaintextNorItsHashOnDisk) {
  std::string content = Content(300000);  // several chunks and more than one read block
  StagedObject o = PutEncrypted(content);
  EXPECT_EQ(o.size, content.size());
  EXPECT_EQ(o.sha256, Sha256::Of(std::string_view(content)));

  const std::string name = encrypted_.NameFor(o.sha256);
  EXPECT_NE(name, DigestHex(o.sha256));
  // The keyed name as docs/case-format.md gives it, computed by Python's hmac.
  auto py = testing::RunProgram(
      {"python3", "-c",
       "import hmac, hashlib, sys; print(hmac.new(bytes.fromhex(sys.argv[1]), "
       "bytes.fromhex(sys.argv[2]), hashlib.sha256).hexdigest())",
       HexEncode(key_.object_naming().bytes(InsecureSecretKeyAccess::Get())), DigestHex(o.sha256)});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, name + "\n");
  EXPECT_EQ(encrypted_.RelativePathFor(o.sha256),
            "objects/" + name.substr(0, 2) + "/" + name.substr(2));
  EXPECT_FALSE(fs::exists(store_.PathFor(o.sha256)));
  std::string on_disk = ReadFile(encrypted_.PathFor(o.sha256));
  EXPECT_EQ(on_disk.size(), stream_aead::CiphertextSize(content.size()));
  EXPECT_EQ(on_disk.find("MARKER"), std::string::npos);
  EXPECT_EQ(on_disk.find(std::string(64, 'q')), std::string::npos);

  std::string back;
  Status s = GetEncrypted(o, &back);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(back, content);
  auto check = encrypted_.Rehash(o.sha256, o.size);
  ASSERT_TRUE(check.ok()) << check.status().message();
  EXPECT_EQ(check->sha256, o.sha256);
  EXPECT_EQ(check->size, o.size);
  std::string whole(o.size, '\0');
  ASSERT_TRUE(encrypted_
                  .ReadInto(o.sha256, std::span<std::uint8_t>(
                                          reinterpret_cast<std::uint8_t*>(whole.data()), o.size))
                  .ok());
  EXPECT_EQ(whole, content);
  fs::path dest = tmp_ / "extracted";
  ASSERT_TRUE(encrypted_.CopyOut(o.sha256, o.size, dest).ok());
  EXPECT_EQ(ReadFile(dest), content);

  auto listed = encrypted_.ListObjects();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<std::string>{name});
  EXPECT_TRUE(TmpFiles().empty());
}

TEST_F(EncryptedObjectStoreTest, EveryWayInEncryptsTheSameWay) {
  std::string empty_back;
  StagedObject empty = PutEncrypted("");
  ASSERT_TRUE(GetEncrypted(empty, &empty_back).ok());
  EXPECT_EQ(empty_back, "");

  std::string content = Content(70000);
  auto from = encrypted_.StageFrom([&](const std::function<Status(ByteView)>& sink) {
    EVIDENCE_RETURN_IF_ERROR(sink(AsBytes(std::string_view(content).substr(0, 1000))));
    return sink(AsBytes(std::string_view(content).substr(1000)));
  });
  ASSERT_TRUE(from.ok()) << from.status().message();
  ASSERT_TRUE(encrypted_.Commit(*from).ok());
  std::string back;
  ASSERT_TRUE(GetEncrypted(*from, &back).ok());
  EXPECT_EQ(back, content);

  fs::path source = tmp_ / "batch-source";
  WriteFile(source, Content(5, 'z'));
  std::vector<UnsyncedObject> batch;
  auto u = encrypted_.StageUnsynced(source);
  ASSERT_TRUE(u.ok()) << u.status().message();
  batch.push_back(*u);
  std::vector<fs::path> added;
  ASSERT_TRUE(encrypted_.CommitBatch(batch, &added).ok());
  EXPECT_EQ(added, std::vector<fs::path>{encrypted_.PathFor(u->staged.sha256)});
  EXPECT_EQ(ReadFile(added[0]).find("MARKER"), std::string::npos);
}

TEST_F(EncryptedObjectStoreTest, FlippedCiphertextByteNamesTheObjectAndTheChunk) {
  StagedObject o = PutEncrypted(Content(200000));
  fs::path path = encrypted_.PathFor(o.sha256);
  std::string bytes = ReadFile(path);
  bytes[stream_aead::kHeaderSize + stream_aead::kChunkSize + stream_aead::kTagSize + 9] ^= 0x04;
  Overwrite(path, bytes);

  auto check = encrypted_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(check.status().message().rfind(
                encrypted_.RelativePathFor(o.sha256) + ": chunk 1 failed authentication", 0),
            0u)
      << check.status().message();
  fs::path dest = tmp_ / "extracted";
  EXPECT_EQ(encrypted_.CopyOut(o.sha256, o.size, dest).code(), StatusCode::kVerificationFailed);
  EXPECT_FALSE(fs::exists(dest)) << "a changed object must not be handed out";
}

TEST_F(EncryptedObjectStoreTest, ReorderedChunksAreNamed) {
  StagedObject o = PutEncrypted(Content(3 * stream_aead::kChunkSize));
  fs::path path = encrypted_.PathFor(o.sha256);
  std::string bytes = ReadFile(path);
  const std::size_t chunk = stream_aead::kChunkSize + stream_aead::kTagSize;
  std::string first = bytes.substr(stream_aead::kHeaderSize, chunk);
  bytes.replace(stream_aead::kHeaderSize, chunk,
                bytes.substr(stream_aead::kHeaderSize + chunk, chunk));
  bytes.replace(stream_aead::kHeaderSize + chunk, chunk, first);
  Overwrite(path, bytes);
  std::string back;
  Status s = GetEncrypted(o, &back);
  EXPECT_EQ(s.message().rfind(encrypted_.RelativePathFor(o.sha256) + ": chunk 0 failed", 0), 0u)
      << s.message();
}

TEST_F(EncryptedObjectStoreTest, TruncatedOrLengthenedObjectIsNamedByItsLength) {
  StagedObject o = PutEncrypted(Content(100000));
  fs::path path = encrypted_.PathFor(o.sha256);
  std::string bytes = ReadFile(path);
  const std::string rel = encrypted_.RelativePathFor(o.sha256);
  const std::string expected = std::to_string(stream_aead::CiphertextSize(o.size));

  Overwrite(path, bytes.substr(0, bytes.size() - 100));
  auto truncated = encrypted_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(truncated.status().message(),
            rel + " is " + std::to_string(bytes.size() - 100) + " bytes, not the " + expected +
                " that encrypting the 100000 bytes recorded gives (truncated)");

  Overwrite(path, bytes + "x");
  auto longer = encrypted_.Rehash(o.sha256, o.size);
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.status().message().find("(bytes added)"), std::string::npos)
      << longer.status().message();
}

TEST_F(EncryptedObjectStoreTest, SwappedObjectsAreNamedAsEachOther) {
  StagedObject a = PutEncrypted(Content(1000, 'a'));
  StagedObject b = PutEncrypted(Content(1000, 'b'));
  fs::path pa = encrypted_.PathFor(a.sha256);
  fs::path pb = encrypted_.PathFor(b.sha256);
  std::string bytes_a = ReadFile(pa);
  std::string bytes_b = ReadFile(pb);
  Overwrite(pa, bytes_b);
  Overwrite(pb, bytes_a);

  std::string back;
  Status s = GetEncrypted(a, &back);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), encrypted_.RelativePathFor(a.sha256) + " holds the bytes of " +
                             encrypted_.RelativePathFor(b.sha256) +
                             " (objects swapped or copied over)");
  EXPECT_EQ(encrypted_.Rehash(b.sha256, b.size).status().message(),
            encrypted_.RelativePathFor(b.sha256) + " holds the bytes of " +
                encrypted_.RelativePathFor(a.sha256) + " (objects swapped or copied over)");
}

// Export reads an encrypted store without the SHA-256 re-hash (ReadCheck::kTagsWhereEncrypted,
// docs/case-format.md "What each read checks"): every damage the re-hash would catch is still
// caught, by a tag or the identity, and named the same way.
TEST_F(EncryptedObjectStoreTest, ReadingOnTheTagsAloneStillNamesEveryDamage) {
  auto read_on_tags = [&](const StagedObject& o) {
    std::string whole(o.size, '\0');
    return encrypted_.ReadInto(
        o.sha256, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(whole.data()), o.size),
        ReadCheck::kTagsWhereEncrypted);
  };
  auto stream_on_tags = [&](const StagedObject& o) {
    return encrypted_.Stream(
        o.sha256, o.size, [](ByteView) { return Status::Ok(); }, ReadCheck::kTagsWhereEncrypted);
  };
  const std::size_t chunk = stream_aead::kChunkSize + stream_aead::kTagSize;

  StagedObject flipped = PutEncrypted(Content(200000, 'f'));
  std::string bytes = ReadFile(encrypted_.PathFor(flipped.sha256));
  ASSERT_TRUE(read_on_tags(flipped).ok());
  bytes[stream_aead::kHeaderSize + chunk + 9] ^= 0x04;
  Overwrite(encrypted_.PathFor(flipped.sha256), bytes);
  for (const Status& s : {read_on_tags(flipped), stream_on_tags(flipped)}) {
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
    EXPECT_EQ(
        s.message().rfind(
            encrypted_.RelativePathFor(flipped.sha256) + ": chunk 1 failed authentication", 0),
        0u)
        << s.message();
  }

  StagedObject reordered = PutEncrypted(Content(3 * stream_aead::kChunkSize, 'r'));
  bytes = ReadFile(encrypted_.PathFor(reordered.sha256));
  std::string first = bytes.substr(stream_aead::kHeaderSize, chunk);
  bytes.replace(stream_aead::kHeaderSize, chunk,
                bytes.substr(stream_aead::kHeaderSize + chunk, chunk));
  bytes.replace(stream_aead::kHeaderSize + chunk, chunk, first);
  Overwrite(encrypted_.PathFor(reordered.sha256), bytes);
  EXPECT_EQ(read_on_tags(reordered).code(), StatusCode::kVerificationFailed);

  // Whole objects swapped, then one object's header put before another's chunks: the lengths
  // are right, so only the identity and the tags can tell.
  StagedObject a = PutEncrypted(Content(1000, 'a'));
  StagedObject b = PutEncrypted(Content(1000, 'b'));
  std::string bytes_a = ReadFile(encrypted_.PathFor(a.sha256));
  std::string bytes_b = ReadFile(encrypted_.PathFor(b.sha256));
  Overwrite(encrypted_.PathFor(a.sha256), bytes_b);
  Overwrite(encrypted_.PathFor(b.sha256), bytes_a);
  Status swapped = read_on_tags(a);
  EXPECT_EQ(swapped.message(), encrypted_.RelativePathFor(a.sha256) + " holds the bytes of " +
                                   encrypted_.RelativePathFor(b.sha256) +
                                   " (objects swapped or copied over)");
  std::string spliced =
      bytes_a.substr(0, stream_aead::kHeaderSize) + bytes_b.substr(stream_aead::kHeaderSize);
  Overwrite(encrypted_.PathFor(a.sha256), spliced);
  EXPECT_EQ(read_on_tags(a).code(), StatusCode::kVerificationFailed) << "another object's chunk";
}

// A plaintext store has no tags: the same request re-hashes, and a flipped byte is still caught.
TEST_F(ObjectStoreTest, ReadingOnTheTagsInAPlaintextStoreStillReHashes) {
  StagedObject o = Put("the original words");
  fs::path path = store_.PathFor(o.sha256);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = ReadFile(path);
  bytes[4] ^= 0x01;
  WriteFile(path, bytes);
  std::string whole(o.size, '\0');
  Status s = store_.ReadInto(
      o.sha256, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(whole.data()), o.size),
      ReadCheck::kTagsWhereEncrypted);
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message(), store_.RelativePathFor(o.sha256) +
                             " no longer matches its SHA-256; nothing was copied");
}

TEST_F(EncryptedObjectStoreTest, PlaintextAndEncryptedStoresNeverConfuseEachOther) {
  std::string content = Content(500);
  StagedObject plain = Put(content);
  // The encrypted store looks for the keyed name: the plaintext object is not its object.
  EXPECT_EQ(encrypted_.Rehash(plain.sha256, plain.size).status().code(), StatusCode::kNotFound);
  std::string other = Content(600, 'e');
  StagedObject enc = PutEncrypted(other);
  EXPECT_EQ(store_.Rehash(enc.sha256, enc.size).status().code(), StatusCode::kNotFound);

  // Plaintext bytes of the right length put under the keyed name fail as ciphertext.
  fs::path keyed = encrypted_.PathFor(enc.sha256);
  std::string fake = other;
  fake.resize(stream_aead::CiphertextSize(enc.size), ' ');
  Overwrite(keyed, fake);
  Status s = encrypted_.Rehash(enc.sha256, enc.size).status();
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_NE(s.message().find(encrypted_.RelativePathFor(enc.sha256) + ": "), std::string::npos)
      << s.message();
  // The plaintext store takes ciphertext under the plain name for changed bytes, not evidence.
  StagedObject third = Put(Content(700, 't'));
  auto sealed_copy = encrypted_.Stage(tmp_ / ("source-" + std::to_string(sources_)));
  ASSERT_TRUE(sealed_copy.ok());
  Overwrite(store_.PathFor(third.sha256), ReadFile(sealed_copy->temp_path));
  encrypted_.Discard(*sealed_copy);
  EXPECT_EQ(store_.Rehash(third.sha256, third.size).status().code(),
            StatusCode::kVerificationFailed);
}

TEST_F(EncryptedObjectStoreTest, AnotherCaseKeyFindsNothingAndOpensNothing) {
  StagedObject o = PutEncrypted(Content(100));
  CaseKey other_key = std::move(CaseKey::Generate().value());
  ObjectStore other(tmp_ / "case", FileSystem::Default(), &other_key);
  EXPECT_EQ(other.Rehash(o.sha256, o.size).status().code(), StatusCode::kNotFound);
  fs::create_directories(other.PathFor(o.sha256).parent_path());
  fs::copy_file(encrypted_.PathFor(o.sha256), other.PathFor(o.sha256));
  Status s = other.Rehash(o.sha256, o.size).status();
  EXPECT_EQ(s.message(), other.RelativePathFor(o.sha256) +
                             ": chunk 0 failed authentication (a changed byte, chunks reordered, "
                             "a chunk of another object, or the wrong key)");
}

TEST_F(EncryptedObjectStoreTest, PlaintextFileIsASealedMemoryFile) {
  std::string content = Content(150000);
  StagedObject o = PutEncrypted(content);
  auto fd = encrypted_.PlaintextFile(o.sha256, o.size);
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  std::string back(content.size() + 10, '\0');
  std::size_t got = 0;
  for (;;) {
    ssize_t n = ::read(fd->get(), back.data() + got, back.size() - got);
    ASSERT_GE(n, 0);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  back.resize(got);
  EXPECT_EQ(back, content);
  EXPECT_LT(::write(fd->get(), "x", 1), 0) << "the memory file must be sealed against writes";
  char link[256] = {};
  std::string proc = "/proc/self/fd/" + std::to_string(fd->get());
  ASSERT_GT(::readlink(proc.c_str(), link, sizeof link - 1), 0);
  EXPECT_EQ(std::string(link).rfind("/memfd:evidence-plaintext", 0), 0u) << link;

  // A damaged object gives no file at all.
  fs::path path = encrypted_.PathFor(o.sha256);
  std::string bytes = ReadFile(path);
  bytes[stream_aead::kHeaderSize + 3] ^= 1;
  Overwrite(path, bytes);
  EXPECT_EQ(encrypted_.PlaintextFile(o.sha256, o.size).status().code(),
            StatusCode::kVerificationFailed);
}

// Everything `fd` reads from its offset on.
std::string ReadDescriptor(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      ADD_FAILURE() << "read: " << std::strerror(errno);
      break;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// What /proc says the descriptor is: "/memfd:NAME (deleted)" for a memory file.
std::string DescriptorTarget(int fd) {
  char link[512] = {};
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::readlink(proc.c_str(), link, sizeof link - 1) <= 0) return "";
  return link;
}

// The parsers' copy of a staged file: its plaintext in a sealed memory file, the bytes that were
// hashed, while tmp/ holds only the ciphertext.
TEST_F(EncryptedObjectStoreTest, StageGivesThePlaintextInASealedMemoryFile) {
  std::string content = Content(3 * 65536 + 17);
  fs::path source = tmp_ / "source-plain";
  WriteFile(source, content);
  UniqueFd plaintext;
  auto staged = encrypted_.Stage(source, &plaintext);
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  ASSERT_TRUE(plaintext);
  EXPECT_EQ(DescriptorTarget(plaintext.get()).rfind("/memfd:evidence-plaintext", 0), 0u)
      << DescriptorTarget(plaintext.get());
  std::string back = ReadDescriptor(plaintext.get());
  EXPECT_EQ(back, content);
  EXPECT_EQ(Sha256::Of(back), staged->sha256);
  EXPECT_LT(::write(plaintext.get(), "x", 1), 0) << "the memory file must be sealed";
  // tmp/ holds the staged ciphertext and nothing else: no plaintext copy on disk.
  std::vector<fs::path> tmp = TmpFiles();
  ASSERT_EQ(tmp.size(), 1u);
  EXPECT_EQ(tmp[0], staged->temp_path);
  EXPECT_EQ(ReadFile(tmp[0]).find("MARKER-plaintext"), std::string::npos);
  encrypted_.Discard(*staged);
}

TEST_F(EncryptedObjectStoreTest, StageUnsyncedAndStageFromGiveThePlaintextToo) {
  std::string content = Content(70000, 'u');
  fs::path source = tmp_ / "source-unsynced";
  WriteFile(source, content);
  UniqueFd from_file;
  auto u = encrypted_.StageUnsynced(source, &from_file);
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(ReadDescriptor(from_file.get()), content);

  UniqueFd from_producer;
  auto member = encrypted_.StageFrom(
      [&](const std::function<Status(ByteView)>& sink) {
        EVIDENCE_RETURN_IF_ERROR(sink(AsBytes(std::string_view(content).substr(0, 1000))));
        return sink(AsBytes(std::string_view(content).substr(1000)));
      },
      &from_producer);
  ASSERT_TRUE(member.ok()) << member.status().message();
  EXPECT_EQ(DescriptorTarget(from_producer.get()).rfind("/memfd:evidence-plaintext", 0), 0u);
  EXPECT_EQ(ReadDescriptor(from_producer.get()), content);
  EXPECT_EQ(member->sha256, u->staged.sha256);
  for (const fs::path& f : TmpFiles()) {
    EXPECT_EQ(ReadFile(f).find("MARKER-plaintext"), std::string::npos) << f;
  }
  encrypted_.DiscardUnsynced(*u);
  encrypted_.Discard(*member);
}

// A plaintext store gives the parsers the same kind of copy, so every ingest exercises the path
// an encrypted case takes.
TEST_F(ObjectStoreTest, StageGivesThePlaintextInAMemoryFileInAPlaintextStoreToo) {
  fs::path source = tmp_ / "source-plain";
  WriteFile(source, "plain words for the parsers");
  UniqueFd plaintext;
  auto staged = store_.Stage(source, &plaintext);
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(DescriptorTarget(plaintext.get()).rfind("/memfd:evidence-plaintext", 0), 0u);
  EXPECT_EQ(ReadDescriptor(plaintext.get()), "plain words for the parsers");
  store_.Discard(*staged);
}

// Past 16 MiB a plaintext store does not copy the file into memory: the parsers read the staged
// copy, which holds the same plaintext. An encrypted store has nothing else to give them.
TEST_F(EncryptedObjectStoreTest, OverTheMemoryLimitOnlyAPlaintextStoreFallsBackToTheStagedCopy) {
  std::string content = Content((16u << 20) + 1, 'b');
  fs::path source = tmp_ / "source-big";
  WriteFile(source, content);

  UniqueFd plain_fd;
  auto plain = store_.Stage(source, &plain_fd);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(fs::path(DescriptorTarget(plain_fd.get())), plain->temp_path);
  EXPECT_EQ(ReadDescriptor(plain_fd.get()), content);
  EXPECT_LT(::write(plain_fd.get(), "x", 1), 0) << "opened read-only";
  store_.Discard(*plain);

  UniqueFd sealed_fd;
  auto sealed = encrypted_.Stage(source, &sealed_fd);
  ASSERT_TRUE(sealed.ok()) << sealed.status().message();
  EXPECT_EQ(DescriptorTarget(sealed_fd.get()).rfind("/memfd:evidence-plaintext", 0), 0u);
  EXPECT_EQ(ReadDescriptor(sealed_fd.get()), content);
  encrypted_.Discard(*sealed);
}

// An encrypted store has no plaintext copy on disk to fall back on, so past its limit it hands out
// the head only, says so, and still hashes, encrypts and stores the whole file.
TEST_F(EncryptedObjectStoreTest, PastItsPlaintextLimitAnEncryptedStoreHandsOutOnlyTheHead) {
  EXPECT_GE(encrypted_.plaintext_limit(), 64u << 20) << "set from the memory available";
  EXPECT_EQ(store_.plaintext_limit(), 16u << 20);
  encrypted_.LimitPlaintextInMemory(100000);
  std::string content = Content(300000, 'h');
  fs::path source = tmp_ / "source-large";
  WriteFile(source, content);
  UniqueFd head_fd;
  auto large = encrypted_.Stage(source, &head_fd);
  ASSERT_TRUE(large.ok()) << large.status().message();
  EXPECT_TRUE(large->plaintext_is_head);
  EXPECT_EQ(large->size, content.size());
  EXPECT_EQ(large->sha256, Sha256::Of(content));
  EXPECT_EQ(ReadDescriptor(head_fd.get()), content.substr(0, 100000));
  EXPECT_LT(::write(head_fd.get(), "x", 1), 0) << "the memory file must be sealed";
  ASSERT_TRUE(encrypted_.Commit(*large).ok());
  std::string back;
  ASSERT_TRUE(GetEncrypted(*large, &back).ok());
  EXPECT_EQ(back, content);

  // Exactly at the limit the whole file is handed out.
  std::string fits = Content(100000, 'f');
  WriteFile(source, fits);
  UniqueFd whole_fd;
  auto whole = encrypted_.Stage(source, &whole_fd);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_FALSE(whole->plaintext_is_head);
  EXPECT_EQ(ReadDescriptor(whole_fd.get()), fits);
  encrypted_.Discard(*whole);
}

// Wherever the limit falls in the blocks appended, a memory file that keeps its head holds exactly
// the first bytes, and no more memory than the head.
TEST(MemoryFileTest, KeepingTheHeadCutsTheFileWhereverTheLimitFalls) {
  std::string bytes(1000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
  struct Case {
    std::vector<std::size_t> blocks;
  };
  for (const Case& c : {Case{{1000}}, Case{{100, 900}}, Case{{300, 300, 400}}, Case{{400, 600}},
                        Case{{500, 500}}}) {
    auto file = MemoryFile::Create(/*limit=*/400, /*keep_head=*/300);
    ASSERT_TRUE(file.ok());
    std::size_t at = 0;
    for (std::size_t n : c.blocks) {
      ASSERT_TRUE(file->Append(AsBytes(std::string_view(bytes).substr(at, n))).ok());
      at += n;
    }
    EXPECT_TRUE(file->truncated());
    auto fd = file->Seal();
    ASSERT_TRUE(fd.ok() && *fd);
    EXPECT_EQ(ReadDescriptor(fd->get()), bytes.substr(0, 300)) << c.blocks.size();
  }
  auto fits = MemoryFile::Create(/*limit=*/1000, /*keep_head=*/300);
  ASSERT_TRUE(fits.ok());
  ASSERT_TRUE(fits->Append(AsBytes(bytes)).ok());
  EXPECT_FALSE(fits->truncated());
  auto fd = fits->Seal();
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(ReadDescriptor(fd->get()), bytes);
}

TEST_F(EncryptedObjectStoreTest, FailedStageGivesNoPlaintext) {
  UniqueFd plaintext;
  auto staged = encrypted_.Stage(tmp_ / "does-not-exist", &plaintext);
  EXPECT_EQ(staged.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(plaintext);
  EXPECT_TRUE(TmpFiles().empty());
}

}  // namespace
}  // namespace evidence
