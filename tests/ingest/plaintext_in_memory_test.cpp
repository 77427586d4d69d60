// Ingest hands the describer and the export parsers the plaintext in memory, never as a file on
// disk (docs/architecture.md, "Plaintext for the parsers"): while a photo, a recording, a note
// and a WhatsApp export with its media are described and parsed, nothing appears in the case's
// tmp/ but the staged copies themselves, and the metadata still comes through.
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "evidence/case.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

// Names of the files created in (or moved into) `dir` since the watch began.
class CreatedFiles {
 public:
  explicit CreatedFiles(const fs::path& dir) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    EXPECT_GE(::inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MOVED_TO), 0)
        << std::strerror(errno);
  }
  ~CreatedFiles() { ::close(fd_); }

  std::vector<std::string> Take() {
    std::vector<std::string> names;
    alignas(struct inotify_event) char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* e = reinterpret_cast<struct inotify_event*>(p);
        if (e->len > 0) names.emplace_back(e->name);
        p += sizeof(struct inotify_event) + e->len;
      }
    }
    return names;
  }

 private:
  int fd_;
};

TEST(PlaintextInMemory, NothingButStagedCopiesAppearsInTmpWhileFilesAreDescribedAndParsed) {
  testing::TempDir tmp;
  CaseOptions o;
  o.name = "memory";
  auto c = Case::Create(tmp.path() / "case", o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  fs::path in = tmp.path() / "input";
  fs::create_directories(in);
  testing::WriteJpegWithExif(in / "photo.jpg");
  testing::WriteWav(in / "voice.wav", 1.0);
  testing::WriteFile(in / "note.txt", "a plain note\n");
  testing::JpegOptions other;
  other.seed = 2;
  testing::WriteJpegWithExif(tmp.path() / "member.jpg", other);
  fs::path zip = in / "WhatsApp Chat - Loris.zip";
  testing::WriteZip(
      zip,
      {{"_chat.txt",
        "[20.06.19, 16:00:10] Loris: Let me show you:\r\n"
        "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"},
       {"00000001-PHOTO-2019-06-20-16-00-15.jpg", testing::ReadFile(tmp.path() / "member.jpg")}});

  CreatedFiles created(tmp.path() / "case" / "tmp");
  std::vector<IngestOutcome> seen;
  Status s = c->IngestFiles({in / "photo.jpg", in / "voice.wav", in / "note.txt", zip},
                            IngestOptions{}, [&](const IngestOutcome& r) { seen.push_back(r); });
  ASSERT_TRUE(s.ok()) << s.message();
  // The single-file path too.
  testing::WriteFile(in / "second.txt", "another note\n");
  auto single = c->Ingest(in / "second.txt", IngestOptions{});
  ASSERT_TRUE(single.ok()) << single.status().message();

  std::vector<std::string> names = created.Take();
  EXPECT_FALSE(names.empty()) << "the watch saw nothing: it proves nothing";
  for (const std::string& name : names) {
    EXPECT_TRUE(name.starts_with("ingest-") && name.ends_with(".part")) << name;
  }
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].kind, "photo");
  EXPECT_EQ(seen[1].kind, "audio");
  EXPECT_EQ(seen[3].messages, 2u);
  ASSERT_EQ(seen[3].children.size(), 1u);
  // The member was described from its memory file too: what only the extractor reads.
  auto items = c->Items();
  ASSERT_TRUE(items.ok());
  bool found = false;
  for (const Item& item : *items) {
    if (item.exhibit != seen[3].children[0]) continue;
    found = true;
    EXPECT_EQ(item.kind, "photo");
    EXPECT_EQ(item.captured, "2026-03-01T07:42:13.417+00:00") << item.metadata.dump();
  }
  EXPECT_TRUE(found);
}

// A file larger than the plaintext an encrypted case may hold in memory (a long video on a small
// computer) is still stored whole and verifies, but only its type is read: metadata read from a
// cut file could be wrong without saying so, and a chat cut short would be recorded as the whole
// conversation. The item says why in its warnings. Before the limit such a file held its whole
// plaintext in memory, and a large enough one could exhaust it.
TEST(PlaintextInMemory, PastTheLimitAnEncryptedCaseStoresTheFileWholeAndReadsOnlyItsType) {
  testing::TempDir tmp;
  CaseOptions o;
  o.name = "small computer";
  o.passphrase = "a passphrase for the case";
  o.scrypt = ScryptParams{std::uint64_t{1} << 10, 8, 1};
  auto c = Case::Create(tmp.path() / "case", o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  fs::path in = tmp.path() / "input";
  fs::create_directories(in);
  testing::WriteJpegWithExif(in / "photo.jpg");
  std::string chat;
  for (int i = 0; i < 400; ++i) {
    chat += "[20.06.19, 16:00:" + std::to_string(10 + i % 50) + "] Loris: message " +
            std::to_string(i) + "\r\n";
  }
  testing::WriteFile(in / "WhatsApp Chat - Loris.txt", chat);
  testing::WriteFile(in / "small.txt", "fits in memory\n");
  const std::uint64_t limit = 1024;
  ASSERT_GT(fs::file_size(in / "photo.jpg"), limit);
  ASSERT_GT(chat.size(), limit);
  c->LimitPlaintextInMemory(limit);

  std::vector<IngestOutcome> seen;
  Status s = c->IngestFiles({in / "photo.jpg", in / "small.txt"}, IngestOptions{},
                            [&](const IngestOutcome& r) { seen.push_back(r); });
  ASSERT_TRUE(s.ok()) << s.message();
  auto single = c->Ingest(in / "WhatsApp Chat - Loris.txt", IngestOptions{});
  ASSERT_TRUE(single.ok()) << single.status().message();
  ASSERT_EQ(seen.size(), 2u);

  auto items = c->Items();
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 3u);
  const Item& photo = (*items)[0];
  const Item& small = (*items)[1];
  const Item& chat_item = (*items)[2];
  EXPECT_EQ(photo.kind, "photo");
  EXPECT_EQ(photo.media_type, "image/jpeg");
  EXPECT_FALSE(photo.captured) << "read from a cut file";
  EXPECT_TRUE(photo.metadata.empty()) << photo.metadata.dump();
  ASSERT_EQ(photo.warnings.size(), 1u);
  EXPECT_NE(photo.warnings[0].find("metadata not read"), std::string::npos) << photo.warnings[0];
  EXPECT_NE(photo.warnings[0].find("1.0 KiB"), std::string::npos) << photo.warnings[0];
  EXPECT_EQ(seen[0].warnings, photo.warnings) << "the command shows it too";
  EXPECT_TRUE(small.warnings.empty());
  EXPECT_EQ(single->messages, 0u) << "a cut chat must not be recorded as the conversation";
  ASSERT_EQ(chat_item.warnings.size(), 1u);
  EXPECT_NE(chat_item.warnings[0].find("not read as messages"), std::string::npos);
  EXPECT_EQ(photo.size, fs::file_size(in / "photo.jpg"));

  auto report = c->Verify();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->ok()) << "the objects are whole";
}

}  // namespace
}  // namespace evidence
