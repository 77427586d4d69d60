// Disk full: exit status 3, one line naming the file, and an intact case (docs/reliability.md).
// The real thing runs the CLI on a small tmpfs mounted in a private mount namespace (`unshare
// --mount`, as root; or a user namespace otherwise), so no mount is ever visible outside the test.
// The seam tests show the same through the library, where any operation can be the one that fails.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "evidence/case.hpp"
#include "evidence/upload.hpp"
#include "fault_injection.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs `script` with /bin/sh in a private mount namespace, in the CLI's test environment (the
// script starts `evidence`); the prefix that worked is reported.
RunResult InMountNamespace(const std::string& script) {
  std::vector<std::vector<std::string>> ways = {
      {"unshare", "--mount", "--propagation", "private"},
      {"unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"}};
  RunResult last;
  for (auto argv : ways) {
    argv.insert(argv.end(), {"sh", "-c", script});
    last = RunProgramIn(argv, CliEnvironment());
    if (last.exit_code != 90 && last.exit_code != 1) return last;
  }
  return last;
}

std::map<std::string, int> Codes(const std::string& out) {
  std::map<std::string, int> codes;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) codes[line.substr(0, eq)] = std::stoi(line.substr(eq + 1));
  }
  return codes;
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(DiskFull, RealSmallFileSystemGivesExit3OneLineAndAnIntactCase) {
  TempDir tmp;
  const fs::path mnt = tmp / "small";
  const fs::path in = tmp / "in";
  const fs::path out = tmp / "out";
  for (const auto& d : {mnt, in, out}) fs::create_directories(d);
  WriteRandomFile(in / "big-video.bin", 3 << 20, 7);
  std::set<std::string> inputs;
  std::string many;
  for (int i = 0; i < 40; ++i) {
    fs::path f = in / ("small-" + std::to_string(i) + ".bin");
    WriteRandomFile(f, 60000, 100 + static_cast<std::uint64_t>(i));
    many += " " + Quote(f);
  }
  const std::string ev = Quote(EVIDENCE_BIN);
  const std::string c = Quote(mnt / "case");
  std::string script =
      "mount -t tmpfs -o size=1m,mode=0700 tmpfs " + Quote(mnt) + " || exit 90\n" + ev + " -C " +
      c + " init --name Full --owner Owner --no-passphrase >/dev/null 2>" +
      Quote(out / "init.err") + "; echo init=$?\n" +
      // Too big for the whole file system: fails while staging the copy.
      ev + " -C " + c + " add " + Quote(in / "big-video.bin") + " >/dev/null 2>" +
      Quote(out / "big.err") + "; echo big=$?\n" + ev + " -C " + c + " verify >" +
      Quote(out / "verify1.out") + " 2>&1; echo verify1=$?\n" +
      // Many small files: the disk fills up somewhere in the middle (a copy or the ledger).
      ev + " -C " + c + " add" + many + " >/dev/null 2>" + Quote(out / "many.err") +
      "; echo many=$?\n" + ev + " -C " + c + " verify >" + Quote(out / "verify2.out") +
      " 2>&1; echo verify2=$?\n" + ev + " -C " + c + " --json list >" + Quote(out / "list.json") +
      " 2>" + Quote(out / "list.err") + "; echo list=$?\n" + "umount " + Quote(mnt) + "\n";
  RunResult r = InMountNamespace(script);
  ASSERT_NE(r.exit_code, 90) << "no small file system could be mounted here: " << r.err;
  auto codes = Codes(r.out);
  ASSERT_EQ(codes["init"], 0) << ReadFile(out / "init.err");

  const std::string big = ReadFile(out / "big.err");
  EXPECT_EQ(codes["big"], 3) << big;
  EXPECT_EQ(Lines(big), 1) << big;
  EXPECT_EQ(big.rfind("evidence: error: ", 0), 0u) << big;
  EXPECT_NE(big.find("no space left on device"), std::string::npos) << big;
  EXPECT_NE(big.find((mnt / "case").string()), std::string::npos) << "names the file: " << big;
  EXPECT_EQ(codes["verify1"], 0) << ReadFile(out / "verify1.out");

  const std::string full = ReadFile(out / "many.err");
  EXPECT_EQ(codes["many"], 3) << full;
  EXPECT_EQ(Lines(full), 1) << full;
  EXPECT_NE(full.find("no space left on device"), std::string::npos) << full;
  EXPECT_NE(full.find((mnt / "case").string()), std::string::npos) << full;
  EXPECT_EQ(codes["verify2"], 0) << ReadFile(out / "verify2.out");
  ASSERT_EQ(codes["list"], 0);
  auto items = nlohmann::json::parse(ReadFile(out / "list.json"));
  // Files are recorded in batches: those of a batch that fits are kept, the failing batch is not.
  EXPECT_LT(items.size(), 40u);
  std::cout << "[faults] disk full (tmpfs of 1 MiB): " << items.size()
            << " of 40 files stored whole before the disk was full; exit 3: " << full;
}

// The same through the seam, for a failure at the staged copy and at the ledger's commit.
TEST(DiskFull, SeamEnospcIsAnIoErrorNamingTheFileAndRecordsNothing) {
  TempDir tmp;
  {
    CaseOptions o;
    o.name = "Full";
    ASSERT_TRUE(Case::Create(tmp / "template", o).ok());
  }
  fs::path photo = tmp / "photo.jpg";
  WriteJpegWithExif(photo);
  std::vector<std::string> trace;
  {
    fs::copy(tmp / "template", tmp / "count", fs::copy_options::recursive);
    FaultInjector count;
    auto c = Case::Open(tmp / "count");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Ingest(photo, IngestOptions{}).ok());
    trace = count.trace();
  }
  auto first = [&](const std::string& prefix) -> std::uint64_t {
    for (std::size_t i = 0; i < trace.size(); ++i) {
      if (trace[i].rfind(prefix, 0) == 0) return i + 1;
    }
    return 0;
  };
  struct Case_ {
    std::uint64_t at;
    std::string names;
  } cases[] = {{first("append "), "/tmp/ingest-"}, {first("sqlite write "), "ledger.sqlite"}};
  for (const auto& [at, names] : cases) {
    ASSERT_NE(at, 0u);
    fs::path dir = tmp / ("case-" + std::to_string(at));
    fs::copy(tmp / "template", dir, fs::copy_options::recursive);
    Status st;
    {
      FaultInjector inj({at, FaultMode::kFromThenOn, ENOSPC});
      auto c = Case::Open(dir);
      ASSERT_TRUE(c.ok());
      st = c->Ingest(photo, IngestOptions{}).status();
    }
    EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
    EXPECT_NE(st.message().find(names), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find("no space left on device"), std::string::npos) << st.ToString();
    EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.ToString();
    auto c = Case::Open(dir);
    ASSERT_TRUE(c.ok());
    auto v = c->Verify();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok());
    EXPECT_TRUE(c->Items()->empty());
  }
}

// Regression: an upload of more than one block writes on a thread of its own (Upload,
// src/case/upload.cpp). A disk that fills up there must still come back to the caller, from an
// Add or from Finish, and leave the case as it was.
TEST(DiskFull, UploadFailingOnItsStagingThreadLeavesTheCaseAsItWas) {
  TempDir tmp;
  {
    CaseOptions o;
    o.name = "Full";
    ASSERT_TRUE(Case::Create(tmp / "case", o).ok());
  }
  const std::string bytes(6u << 20, 'v');
  // In 64 KiB pieces, as a socket hands them out; the first failure is the answer.
  auto upload = [&](Case& c) {
    auto up = c.BeginUpload("video.mp4", {});
    if (!up.ok()) return up.status();
    Status st;
    for (std::size_t at = 0; at < bytes.size() && st.ok(); at += 65536) {
      st = up->Add(AsBytes(std::string_view(bytes).substr(at, 65536)));
    }
    if (st.ok()) st = up->Finish().status();
    EXPECT_EQ(up->Add(AsBytes(std::string_view("more"))).code(), StatusCode::kInvalidArgument)
        << "a finished or failed upload is spent";
    return st;
  };
  std::uint64_t third_append = 0;
  {
    fs::copy(tmp / "case", tmp / "count", fs::copy_options::recursive);
    FaultInjector count;
    auto c = Case::Open(tmp / "count");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(upload(*c).ok());
    const auto trace = count.trace();
    int appends = 0;
    for (std::size_t i = 0; i < trace.size() && third_append == 0; ++i) {
      if (trace[i].rfind("append ", 0) == 0 && ++appends == 3) third_append = i + 1;
    }
  }
  ASSERT_NE(third_append, 0u);
  Status failed;
  {
    // Only that write fails, so that removing the staged copy can succeed, as it does on a
    // full disk.
    FaultInjector inj({third_append, FaultMode::kOnce, ENOSPC});
    auto c = Case::Open(tmp / "case");
    ASSERT_TRUE(c.ok());
    failed = upload(*c);
  }
  EXPECT_EQ(failed.code(), StatusCode::kIoError) << failed.ToString();
  EXPECT_NE(failed.message().find("no space left on device"), std::string::npos)
      << failed.ToString();
  auto c = Case::Open(tmp / "case");
  ASSERT_TRUE(c.ok());
  auto v = c->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok());
  EXPECT_TRUE(c->Items()->empty());
  std::string left;
  for (const auto& e : fs::directory_iterator(tmp / "case" / "tmp"))
    left += e.path().string() + " ";
  EXPECT_TRUE(left.empty()) << left;
}

}  // namespace
}  // namespace evidence::testing
