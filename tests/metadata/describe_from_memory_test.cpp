// The describer given a file's plaintext in a sealed memory file (the way ingest hands it over, so
// that no plaintext is written to disk; docs/architecture.md, "Plaintext for the parsers") gives
// exactly the metadata it gives for the file itself, and its sandboxed child reads the descriptor
// it is handed with the request instead of opening a path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "describe.hpp"
#include "memory_copy.hpp"
#include "sandbox_worker.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

std::string Shown(const Description& d) {
  return "kind " + d.kind + "\ntype " + d.media_type + "\ncaptured " + d.captured.value_or("-") +
         "\nmetadata " + d.metadata.dump(1) + "\nerrors " + nlohmann::json(d.errors).dump();
}

TEST(DescribeFromMemory, JpegHeicPngWavMp3AndM4aSamplesGiveTheSameMetadataAsTheirFiles) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const std::vector<std::string> samples = {"images/Canon_40D.jpg",
                                            "images/exiftool_GPS.jpg",
                                            "images/iPhone8_IMG_1034.heic",
                                            "images/exiftool_PNG.png",
                                            "audio/exiftool_RIFF.wav",
                                            "audio/id3v1v2-combined.mp3",
                                            "audio/chirp-5-id3.mp3",
                                            "audio/has-tags.m4a",
                                            "audio/rf64.wav",
                                            "messages/whatsapp/chatanalytics_4A_11M.zip"};
  Describer describer;
  for (const std::string& sample : samples) {
    SCOPED_TRACE(sample);
    const fs::path path = *dir / sample;
    const std::string name = path.filename().string();
    Description from_file = describer.Describe(path, name);
    UniqueFd memory = testing::MemoryCopyOf(testing::ReadFile(path));
    Description from_memory = describer.Describe(memory.get(), name);
    EXPECT_EQ(Shown(from_memory), Shown(from_file));
    // Something was read, not two empty descriptions alike.
    EXPECT_NE(from_file.kind, "other") << Shown(from_file);
    EXPECT_TRUE(from_file.errors.empty()) << Shown(from_file);
  }
}

TEST(DescribeFromMemory, SameDescriptorDescribedTwiceGivesTheSameMetadata) {
  // The child moves the shared file offset (libmagic, libarchive and TagLib read from it); the
  // next reader must still start at the beginning.
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  UniqueFd memory = testing::MemoryCopyOf(testing::ReadFile(*dir / "audio/id3v1v2-combined.mp3"));
  Describer describer;
  Description first = describer.Describe(memory.get(), "a.mp3");
  Description second = describer.Describe(memory.get(), "a.mp3");
  EXPECT_EQ(Shown(second), Shown(first));
  EXPECT_EQ(first.kind, "audio");
}

TEST(DescribeFromMemory, ABadDescriptorIsAnErrorOfTheFileNotACrash) {
  Describer describer;
  Description d = describer.Describe(-1, "x.jpg");
  EXPECT_EQ(d.kind, "other");
  ASSERT_FALSE(d.errors.empty());
  EXPECT_EQ(d.errors[0].rfind("file: ", 0), 0u) << d.errors[0];
}

}  // namespace

namespace metadata_internal {
namespace {

TEST(SandboxWorker, ChildReadsTheDescriptorHandedWithTheRequest) {
  SandboxWorker worker(
      [](std::string_view request, int fd, const SandboxSend& send) {
        if (fd < 0) {
          send("no descriptor for " + std::string(request));
          return;
        }
        char buf[64] = {};
        ssize_t n = ::pread(fd, buf, sizeof buf, 0);
        send(std::string(request) + ":" + std::string(buf, n > 0 ? static_cast<size_t>(n) : 0));
      },
      SandboxLimits{});
  UniqueFd memory = testing::MemoryCopyOf("bytes in memory");
  EXPECT_EQ(worker.Call("first", memory.get()).last_message, "first:bytes in memory");
  // A request without one gets none: the descriptor of the last request was closed.
  EXPECT_EQ(worker.Call("second").last_message, "no descriptor for second");
  EXPECT_EQ(worker.Call("third", memory.get()).last_message, "third:bytes in memory");
  EXPECT_EQ(worker.children_started(), 1u);
}

}  // namespace
}  // namespace metadata_internal
}  // namespace evidence
