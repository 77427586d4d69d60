// Case::BeginUpload (evidence/upload.hpp): a file that arrives in pieces is ingested by the same
// step as Case::Ingest, an upload abandoned midway leaves the case exactly as it was, and an
// encrypted case never has the upload's plaintext on disk.
#include "evidence/upload.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/hash.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

// Every file of the case folder by its path inside it, with its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    files[rel] = e.is_regular_file() ? testing::ReadFile(e.path()) : std::string("<dir>");
  }
  return files;
}

Case MakeCase(const fs::path& dir, bool encrypted) {
  CaseOptions o;
  o.name = "uploads";
  o.exhibit_prefix = "JS";
  if (encrypted) {
    o.passphrase = "a passphrase for the case";
    o.scrypt = ScryptParams{std::uint64_t{1} << 10, 8, 1};
  }
  auto c = Case::Create(dir, o);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return std::move(c).value();
}

// Uploads `bytes` under `name` in pieces of `piece` bytes, as a socket hands them out.
Result<IngestOutcome> UploadBytes(Case& c, const std::string& name, const std::string& bytes,
                                  const IngestOptions& options = {}, std::size_t piece = 4096) {
  auto up = c.BeginUpload(name, options);
  if (!up.ok()) return up.status();
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    std::string_view part = std::string_view(bytes).substr(at, piece);
    Status st = up->Add(AsBytes(part));
    if (!st.ok()) return st;
  }
  EXPECT_EQ(up->size(), bytes.size());
  return up->Finish();
}

// A WhatsApp export whose dates never show whether the day or the month comes first.
std::string AmbiguousChatZip(const fs::path& dir) {
  fs::path zip = dir / "WhatsApp Chat - Loris.zip";
  testing::WriteZip(zip, {{"_chat.txt",
                           "[05.06.19, 16:00:10] Loris: I know where you are\r\n"
                           "[06.06.19, 09:12:44] Loris: answer me\r\n"}});
  return testing::ReadFile(zip);
}

TEST(Upload, EqualsIngestOfTheSameFile) {
  testing::TempDir tmp;
  fs::path in = tmp.path() / "input";
  fs::create_directories(in);
  testing::WriteJpegWithExif(in / "photo.jpg");
  std::string zip = AmbiguousChatZip(in);
  IngestOptions day_first;
  day_first.date_order = DateOrder::kDayFirst;

  Case added = MakeCase(tmp.path() / "added", false);
  auto photo_added = added.Ingest(in / "photo.jpg", {});
  ASSERT_TRUE(photo_added.ok()) << photo_added.status().message();
  auto chat_added = added.Ingest(in / "WhatsApp Chat - Loris.zip", day_first);
  ASSERT_TRUE(chat_added.ok()) << chat_added.status().message();

  Case uploaded = MakeCase(tmp.path() / "uploaded", false);
  auto photo = UploadBytes(uploaded, "photo.jpg", testing::ReadFile(in / "photo.jpg"));
  ASSERT_TRUE(photo.ok()) << photo.status().message();
  auto chat = UploadBytes(uploaded, "WhatsApp Chat - Loris.zip", zip, day_first);
  ASSERT_TRUE(chat.ok()) << chat.status().message();

  EXPECT_EQ(photo->exhibit, "JS-0001");
  EXPECT_EQ(photo->sha256, photo_added->sha256);
  EXPECT_EQ(photo->kind, "photo");
  EXPECT_EQ(chat->messages, 2u);
  EXPECT_EQ(chat->messages, chat_added->messages);
  auto a = added.Items();
  auto u = uploaded.Items();
  ASSERT_TRUE(a.ok() && u.ok());
  ASSERT_EQ(a->size(), u->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*u)[i].exhibit, (*a)[i].exhibit);
    EXPECT_EQ((*u)[i].name, (*a)[i].name);
    EXPECT_EQ((*u)[i].sha256, (*a)[i].sha256);
    EXPECT_EQ((*u)[i].kind, (*a)[i].kind);
    EXPECT_EQ((*u)[i].media_type, (*a)[i].media_type);
    EXPECT_EQ((*u)[i].captured, (*a)[i].captured);
    EXPECT_EQ((*u)[i].metadata, (*a)[i].metadata);
    EXPECT_EQ((*u)[i].warnings, (*a)[i].warnings);
  }
  auto am = added.Messages({});
  auto um = uploaded.Messages({});
  ASSERT_TRUE(am.ok() && um.ok());
  ASSERT_EQ(um->size(), 2u);
  for (std::size_t i = 0; i < am->size(); ++i) {
    EXPECT_EQ((*um)[i].message.text, (*am)[i].message.text);
    EXPECT_EQ((*um)[i].message.time, (*am)[i].message.time);
    EXPECT_EQ((*um)[i].message.sender, (*am)[i].message.sender);
  }

  auto again = UploadBytes(uploaded, "copy of photo.jpg", testing::ReadFile(in / "photo.jpg"));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->exhibit, "JS-0001");
  auto report = uploaded.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->failures.empty() ? "" : report->failures[0]);
}

// Past one block the stager runs on the upload's own thread (src/case/upload.cpp): the blocks it
// is handed, in uneven pieces that straddle their edges, must come out whole and in order.
TEST(Upload, ManyBlocksInUnevenPiecesKeepEveryByteInOrder) {
  for (bool encrypted : {false, true}) {
    SCOPED_TRACE(encrypted ? "encrypted" : "plaintext");
    testing::TempDir tmp;
    Case c = MakeCase(tmp.path() / "case", encrypted);
    std::string bytes;
    std::uint32_t x = 12345;
    while (bytes.size() < (7u << 20) + 4099) {
      x = x * 1103515245u + 12345u;
      bytes.push_back(static_cast<char>(x >> 24));
    }
    auto up = c.BeginUpload("recording.bin", {});
    ASSERT_TRUE(up.ok()) << up.status().message();
    const std::size_t pieces[] = {1, 4096, 65537, 1u << 20, 3u << 20, 777};
    std::size_t at = 0;
    for (std::size_t i = 0; at < bytes.size(); ++i) {
      const std::size_t n = std::min(pieces[i % std::size(pieces)], bytes.size() - at);
      ASSERT_TRUE(up->Add(AsBytes(std::string_view(bytes).substr(at, n))).ok());
      at += n;
    }
    auto done = up->Finish();
    ASSERT_TRUE(done.ok()) << done.status().message();
    EXPECT_EQ(done->size, bytes.size());
    EXPECT_EQ(DigestHex(done->sha256), DigestHex(Sha256::Of(std::string_view(bytes))));
    auto report = c.Verify();  // re-reads the stored copy and hashes its plaintext
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << (report->failures.empty() ? "" : report->failures[0]);
  }
}

TEST(Upload, AbandonedMidwayLeavesTheCaseAsItWasAndVerifying) {
  testing::TempDir tmp;
  Case c = MakeCase(tmp.path() / "case", true);
  auto first = UploadBytes(c, "note.txt", "a first note\n");
  ASSERT_TRUE(first.ok()) << first.status().message();
  const auto before = Snapshot(c.dir());
  {
    auto up = c.BeginUpload("video.mp4", {});
    ASSERT_TRUE(up.ok()) << up.status().message();
    std::string block(3 << 20, 'v');
    ASSERT_TRUE(up->Add(AsBytes(block)).ok());
    ASSERT_TRUE(up->Add(AsBytes(std::string_view("tail"))).ok());
    EXPECT_NE(Snapshot(c.dir()), before) << "the staged copy should be in tmp/ by now";
  }
  EXPECT_EQ(Snapshot(c.dir()), before);
  auto report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_TRUE(report->warnings.empty()) << report->warnings[0];
}

TEST(Upload, EncryptedCaseWritesNoPlaintext) {
  testing::TempDir tmp;
  Case c = MakeCase(tmp.path() / "case", true);
  // Not compressible and never repeating, so any 32-byte window of it found on disk is a leak.
  std::string secret;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  while (secret.size() < (2u << 20) + 123) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    secret.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  std::vector<std::string> windows;
  for (std::size_t at = 0; at + 32 <= secret.size(); at += 4096) {
    windows.push_back(secret.substr(at, 32));
  }
  auto leaks = [&](const std::map<std::string, std::string>& files) {
    std::vector<std::string> found;
    for (const auto& [path, bytes] : files) {
      for (const std::string& w : windows) {
        if (bytes.find(w) != std::string::npos) {
          found.push_back(path);
          break;
        }
      }
    }
    return found;
  };
  auto up = c.BeginUpload("secret.bin", {});
  ASSERT_TRUE(up.ok()) << up.status().message();
  ASSERT_TRUE(up->Add(AsBytes(std::string_view(secret).substr(0, 1 << 20))).ok());
  ASSERT_TRUE(up->Add(AsBytes(std::string_view(secret).substr(1 << 20, 77))).ok());
  EXPECT_EQ(leaks(Snapshot(c.dir())), std::vector<std::string>{}) << "while it arrives";
  ASSERT_TRUE(up->Add(AsBytes(std::string_view(secret).substr((1 << 20) + 77))).ok());
  auto done = up->Finish();
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_FALSE(done->duplicate);
  auto files = Snapshot(c.dir());
  EXPECT_EQ(leaks(files), std::vector<std::string>{}) << "once recorded";
  EXPECT_TRUE(std::any_of(files.begin(), files.end(),
                          [](const auto& f) { return f.first.starts_with("objects/"); }));
  auto report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST(Upload, ChatNeedingTheDateOrderRecordsNothingUntilItIsGiven) {
  testing::TempDir tmp;
  Case c = MakeCase(tmp.path() / "case", false);
  std::string zip = AmbiguousChatZip(tmp.path());
  const auto before = Snapshot(c.dir());
  auto asked = UploadBytes(c, "WhatsApp Chat - Loris.zip", zip);
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(asked.status().argument(), "date_order");
  EXPECT_NE(asked.status().message().find("WhatsApp Chat - Loris.zip"), std::string::npos)
      << asked.status().message();
  // The WAL may have been checkpointed by the transaction that was rolled back; what the case
  // holds is what matters.
  auto items = c.Items();
  ASSERT_TRUE(items.ok());
  EXPECT_TRUE(items->empty());
  auto after = Snapshot(c.dir());
  for (const auto& [path, bytes] : before) {
    if (path.starts_with("ledger.sqlite")) continue;
    EXPECT_EQ(after[path], bytes) << path;
  }
  for (const auto& [path, bytes] : after) {
    EXPECT_TRUE(before.count(path)) << "left behind: " << path;
  }

  IngestOptions month_first;
  month_first.date_order = DateOrder::kMonthFirst;
  auto given = UploadBytes(c, "WhatsApp Chat - Loris.zip", zip, month_first);
  ASSERT_TRUE(given.ok()) << given.status().message();
  EXPECT_EQ(given->messages, 2u);
  auto messages = c.Messages({});
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].message.time.value_or("").substr(0, 10), "2019-05-06");
  auto report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST(Upload, HostileNamesKeepTheirLastComponentOrAreRefused) {
  testing::TempDir tmp;
  Case c = MakeCase(tmp.path() / "case", false);
  auto pathy = UploadBytes(c, "../../etc\\C:\\Users\\me\\<img src=x onerror=alert(1)>.jpg", "x");
  ASSERT_TRUE(pathy.ok()) << pathy.status().message();
  auto item = c.GetItem(pathy->exhibit);
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->name, "<img src=x onerror=alert(1)>.jpg");
  for (const std::string& bad : {std::string(), std::string("a/"), std::string(".."),
                                 std::string("x\0y", 3), std::string(256, 'n')}) {
    auto up = c.BeginUpload(bad, {});
    ASSERT_FALSE(up.ok()) << bad;
    EXPECT_EQ(up.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(up.status().argument(), "name");
  }
  IngestOptions unknown;
  unknown.incident = "INC-0042";
  EXPECT_EQ(c.BeginUpload("a.txt", unknown).status().code(), StatusCode::kNotFound);
  auto items = c.Items();
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->size(), 1u);
}

TEST(Upload, SpentUploadRefusesMore) {
  testing::TempDir tmp;
  Case c = MakeCase(tmp.path() / "case", false);
  auto up = c.BeginUpload("a.txt", {});
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(up->Add(AsBytes(std::string_view("abc"))).ok());
  ASSERT_TRUE(up->Finish().ok());
  EXPECT_EQ(up->Add(AsBytes(std::string_view("more"))).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(up->Finish().status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidence
