// Encryption at rest against plaintext, through the object store: Stage (one read of the source,
// hashing and, when encrypted, encrypting in the same pass, then fsync) and Stream (reading back,
// checking every tag and the SHA-256) of a 64 MiB file, plaintext and encrypted in the same run
// so the two figures compare (docs/case-format.md, "Encryption at rest"). Run by hand:
//   cmake --build build --target evidence-object-store-bench &&
//   build/tests/bench/evidence-object-store-bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "case_key.hpp"
#include "evidence/bytes.hpp"
#include "file_system.hpp"
#include "object_store.hpp"

namespace {

namespace fs = std::filesystem;
using evidence::ByteView;
using evidence::CaseKey;
using evidence::ObjectStore;
using evidence::Status;

constexpr std::size_t kFileSize = 64 << 20;

// A scratch case folder with a 64 MiB source file of bytes no compressor or shortcut can help.
struct Scratch {
  fs::path dir;
  fs::path source;
  Scratch() {
    dir = fs::temp_directory_path() / ("evidence-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir / "case" / "objects");
    fs::create_directories(dir / "case" / "tmp");
    source = dir / "source.bin";
    std::ofstream out(source, std::ios::binary);
    std::uint32_t x = 2463534242u;
    std::string block(1 << 20, '\0');
    for (std::size_t done = 0; done < kFileSize; done += block.size()) {
      for (auto& c : block) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
      }
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Scratch& TheScratch() {
  static Scratch scratch;
  return scratch;
}

// state.range(0): 0 plaintext, 1 encrypted.
std::unique_ptr<CaseKey> KeyFor(const benchmark::State& state) {
  if (state.range(0) == 0) return nullptr;
  return std::make_unique<CaseKey>(std::move(CaseKey::Generate().value()));
}

void BM_Stage(benchmark::State& state) {
  Scratch& s = TheScratch();
  auto key = KeyFor(state);
  ObjectStore store(s.dir / "case", evidence::FileSystem::Default(), key.get());
  for (auto _ : state) {
    auto staged = store.Stage(s.source);
    if (!staged.ok()) {
      state.SkipWithError(staged.status().message().c_str());
      break;
    }
    store.Discard(*staged);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFileSize));
  state.SetLabel(key ? "encrypted" : "plaintext");
}
BENCHMARK(BM_Stage)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Stage in an encrypted store with the parsers' copy of the plaintext in a memory file (what
// ingest asks for; docs/architecture.md, "Plaintext for the parsers"): against BM_Stage/1, the
// cost of that copy. (A plaintext store makes none for a file this size.)
void BM_StageWithPlaintextCopy(benchmark::State& state) {
  Scratch& s = TheScratch();
  auto key = KeyFor(state);
  ObjectStore store(s.dir / "case", evidence::FileSystem::Default(), key.get());
  for (auto _ : state) {
    evidence::UniqueFd plaintext;
    auto staged = store.Stage(s.source, &plaintext);
    if (!staged.ok()) {
      state.SkipWithError(staged.status().message().c_str());
      break;
    }
    store.Discard(*staged);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFileSize));
  state.SetLabel("encrypted, with the copy");
}
BENCHMARK(BM_StageWithPlaintextCopy)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Stream(benchmark::State& state) {
  Scratch& s = TheScratch();
  auto key = KeyFor(state);
  ObjectStore store(s.dir / "case", evidence::FileSystem::Default(), key.get());
  auto staged = store.Stage(s.source);
  if (!staged.ok() || !store.Commit(*staged).ok()) {
    state.SkipWithError("cannot stage the source");
    return;
  }
  for (auto _ : state) {
    std::uint64_t seen = 0;
    Status st = store.Stream(staged->sha256, staged->size, [&](ByteView chunk) {
      seen += chunk.size();
      return Status::Ok();
    });
    if (!st.ok()) {
      state.SkipWithError(st.message().c_str());
      break;
    }
    benchmark::DoNotOptimize(seen);
  }
  store.RemoveUnrecorded(store.PathFor(staged->sha256));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFileSize));
  state.SetLabel(key ? "encrypted" : "plaintext");
}
BENCHMARK(BM_Stream)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
