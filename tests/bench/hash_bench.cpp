// Throughput of the hashing under every ingest and every verify: evidence::Sha256 (one-shot and
// streamed in the chunk size a file copy would use) against OpenSSL's EVP called directly, so the
// wrapper's own cost shows; then merkle::LeafHash over entry-sized inputs and whole-tree roots.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "evidence/merkle.hpp"

namespace {

evidence::Bytes Filler(std::size_t size) {
  evidence::Bytes data(size);
  std::uint32_t x = 2463534242u;  // xorshift32: cheap bytes that no hardware can shortcut
  for (auto& byte : data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    byte = static_cast<std::uint8_t>(x);
  }
  return data;
}

void BM_Sha256Of(benchmark::State& state) {
  const evidence::Bytes data = Filler(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(evidence::Sha256::Of(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Of)->Arg(64)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);

// A file streamed through Update() in 64 KiB chunks, as a copy loop feeds it.
void BM_Sha256Streamed(benchmark::State& state) {
  constexpr std::size_t kChunk = 1 << 16;
  const evidence::Bytes data = Filler(static_cast<std::size_t>(state.range(0)));
  evidence::Sha256 hasher;
  for (auto _ : state) {
    for (std::size_t at = 0; at < data.size(); at += kChunk) {
      const std::size_t n = std::min(kChunk, data.size() - at);
      hasher.Update(evidence::ByteView(data).subspan(at, n));
    }
    benchmark::DoNotOptimize(hasher.Finish());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Streamed)->Arg(1 << 20)->Arg(16 << 20);

// The floor: EVP_Digest with a pre-fetched SHA-256, no wrapper.
void BM_OpenSslEvpDigest(benchmark::State& state) {
  const evidence::Bytes data = Filler(static_cast<std::size_t>(state.range(0)));
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) {
    state.SkipWithError("EVP_MD_fetch(SHA256) failed");
    return;
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
      state.SkipWithError("EVP_Digest failed");
      break;
    }
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_free(md);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OpenSslEvpDigest)->Arg(64)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);

// A ledger entry is a few hundred bytes of canonical JSON.
void BM_MerkleLeafHash(benchmark::State& state) {
  const evidence::Bytes entry = Filler(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(evidence::merkle::LeafHash(entry));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MerkleLeafHash)->Arg(256)->Arg(1024);

// The whole-tree root that verify recomputes: n leaf hashes in, n - 1 node hashes done.
void BM_MerkleRootFromLeafHashes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<evidence::merkle::Hash> leaves(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t index[8] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8),
                                   static_cast<std::uint8_t>(i >> 16),
                                   static_cast<std::uint8_t>(i >> 24)};
    leaves[i] = evidence::merkle::LeafHash(index);
  }
  for (auto _ : state) benchmark::DoNotOptimize(evidence::merkle::RootFromLeafHashes(leaves));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MerkleRootFromLeafHashes)->Arg(1 << 10)->Arg(1 << 16);

}  // namespace
