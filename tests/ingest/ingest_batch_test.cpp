// Case::IngestFiles, the parallel batch ingest behind `evidence add`: a metadata extractor child
// that dies mid-batch costs one file its metadata, never the batch, and a file that cannot be
// read stops the command there with the files before it recorded and the case whole; a message
// export among the files is recorded with its media, each described.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evidence/case.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

// The sandboxed metadata extractors: the children of this process's children, which are the
// extractors' fork servers (see SandboxWorker::StartNow).
std::vector<pid_t> ExtractorProcesses() {
  std::vector<std::pair<pid_t, pid_t>> processes;  // pid, parent
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return {};
  while (dirent* e = ::readdir(d)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2) {
      processes.emplace_back(pid, ppid);
    }
  }
  ::closedir(d);
  std::set<pid_t> servers;
  for (auto [pid, ppid] : processes) {
    if (ppid == ::getpid()) servers.insert(pid);
  }
  std::vector<pid_t> out;
  for (auto [pid, ppid] : processes) {
    if (servers.count(ppid) != 0) out.push_back(pid);
  }
  return out;
}

class IngestFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    CaseOptions o;
    o.name = "batch";
    auto c = Case::Create(tmp_.path() / "case", o);
    ASSERT_TRUE(c.ok()) << c.status().message();
    case_ = std::make_unique<Case>(std::move(*c));
  }

  std::vector<fs::path> WriteNotes(int n) {
    std::vector<fs::path> files;
    for (int i = 0; i < n; ++i) {
      fs::path p = tmp_.path() / "input" / ("note-" + std::to_string(i) + ".txt");
      fs::create_directories(p.parent_path());
      testing::WriteFile(p, "a plain note, number " + std::to_string(i) + "\n");
      files.push_back(p);
    }
    return files;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Case> case_;
};

TEST_F(IngestFiles, ExtractorDyingMidBatchCostsOneFileItsMetadataOnly) {
  auto files = WriteNotes(600);
  std::vector<IngestOutcome> seen;
  int killed = 0;
  Status s = case_->IngestFiles(files, IngestOptions{}, [&](const IngestOutcome& r) {
    seen.push_back(r);
    // After the first batch is recorded, kill every extractor child while the workers still
    // have hundreds of files to go.
    if (seen.size() == 1) {
      for (pid_t pid : ExtractorProcesses()) {
        if (::kill(pid, SIGKILL) == 0) ++killed;
      }
    }
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_GT(killed, 0);
  ASSERT_TRUE(case_->Seal().ok());

  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 600u);
  int stopped = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const Item& item = (*items)[i];
    EXPECT_EQ(item.name, files[i].filename().string());
    EXPECT_EQ(seen[i].exhibit, item.exhibit);
    if (seen[i].errors.empty()) {
      EXPECT_EQ(item.media_type, "text/plain") << item.exhibit;
      continue;
    }
    const std::string& error = seen[i].errors[0];
    ++stopped;
    // Not "timed out": the children restarted after the kill come from the fork servers, which
    // have one thread, so they cannot inherit a lock held by the other ingest worker (under ASan,
    // its allocator's lock hung them until the time limit).
    EXPECT_NE(error.find("extractor stopped (killed by signal 9"), std::string::npos) << error;
  }
  // One file per killed child at most; every other file has its metadata.
  EXPECT_GE(stopped, 1);
  EXPECT_LE(stopped, killed);
  auto report = case_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->failures.empty() ? "" : report->failures[0]);
  EXPECT_TRUE(report->warnings.empty()) << report->warnings[0];
}

// The export is recorded by the thread that records the batches while the workers go on staging;
// its media are described by that thread's own extractor, forked before the workers started.
TEST_F(IngestFiles, ExportAmongManyFilesIsRecordedWithEveryMediaDescribed) {
  auto files = WriteNotes(400);
  fs::path media = tmp_.path() / "media";
  fs::create_directories(media);
  testing::WriteJpegWithExif(media / "photo.jpg");
  testing::WriteWav(media / "voice.wav", 1.0);
  const fs::path zip = tmp_.path() / "input" / "WhatsApp Chat - Loris.zip";
  testing::WriteZip(
      zip, {{"_chat.txt",
             "[20.06.19, 16:00:10] Loris: Let me show you:\r\n"
             "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"
             "[20.06.19, 16:01:00] Loris: <attached: 00000002-AUDIO-2019-06-20-16-01-00.wav>\r\n"},
            {"00000001-PHOTO-2019-06-20-16-00-15.jpg", testing::ReadFile(media / "photo.jpg")},
            {"00000002-AUDIO-2019-06-20-16-01-00.wav", testing::ReadFile(media / "voice.wav")}});
  // Past the first batch, so that the workers are busy when the export comes up.
  files.insert(files.begin() + 300, zip);

  std::vector<IngestOutcome> seen;
  Status s = case_->IngestFiles(files, IngestOptions{},
                                [&](const IngestOutcome& r) { seen.push_back(r); });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(seen.size(), files.size());
  const IngestOutcome& chat = seen[300];
  EXPECT_EQ(chat.source, zip);
  ASSERT_EQ(chat.children.size(), 2u);
  EXPECT_EQ(seen[301].exhibit, "EX-0304") << "the two media take the numbers after the export";

  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), files.size() + 2);
  std::map<std::string, const Item*> by_exhibit;
  for (const Item& item : *items) by_exhibit[item.exhibit] = &item;
  const Item* photo = by_exhibit[chat.children[0]];
  const Item* voice = by_exhibit[chat.children[1]];
  ASSERT_TRUE(photo != nullptr && voice != nullptr);
  EXPECT_EQ(photo->parent, chat.exhibit);
  EXPECT_EQ(photo->media_type, "image/jpeg");
  EXPECT_EQ(photo->kind, "photo");
  // What only the extractor reads from the file: the EXIF capture time.
  EXPECT_EQ(photo->captured, "2026-03-01T07:42:13.417+00:00") << photo->metadata.dump();
  EXPECT_EQ(voice->parent, chat.exhibit);
  EXPECT_EQ(voice->kind, "audio");
  EXPECT_TRUE(voice->metadata.contains("duration")) << voice->metadata.dump();
  auto report = case_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->failures.empty() ? "" : report->failures[0]);
}

TEST_F(IngestFiles, FileThatVanishesStopsThereAndKeepsTheOnesBefore) {
  auto files = WriteNotes(300);
  fs::remove(files[270]);
  std::vector<std::string> exhibits;
  Status s = case_->IngestFiles(files, IngestOptions{},
                                [&](const IngestOutcome& r) { exhibits.push_back(r.exhibit); });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("note-270.txt"), std::string::npos) << s.message();
  ASSERT_EQ(exhibits.size(), 270u);
  EXPECT_EQ(exhibits.front(), "EX-0001");
  EXPECT_EQ(exhibits.back(), "EX-0270");
  ASSERT_TRUE(case_->Seal().ok());
  auto items = case_->Items();
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(items->size(), 270u);
  // No staged copy of the files after it is left behind, and the case verifies.
  EXPECT_TRUE(fs::is_empty(tmp_.path() / "case" / "tmp"));
  auto report = case_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(IngestFiles, SameBytesTwiceInOneBatchNameTheFirstExhibit) {
  auto files = WriteNotes(5);
  fs::path again = tmp_.path() / "input" / "again.txt";
  fs::copy_file(files[2], again);
  files.push_back(again);
  std::vector<IngestOutcome> seen;
  ASSERT_TRUE(
      case_->IngestFiles(files, IngestOptions{}, [&](const IngestOutcome& r) { seen.push_back(r); })
          .ok());
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_TRUE(seen[5].duplicate);
  EXPECT_EQ(seen[5].exhibit, "EX-0003");
  EXPECT_EQ(case_->Items()->size(), 5u);
}

}  // namespace
}  // namespace evidence
