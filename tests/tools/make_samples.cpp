// evidence-make-samples: writes the project's own sample evidence, for `make demo` (a small set of
// realistic files) and for the benchmarks (corpora of pseudo-random files). Same arguments, same
// bytes, on every run.
//
// Exit status: 0 success, 2 usage error, 3 a file could not be written.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fixtures.hpp"

namespace {

namespace fs = std::filesystem;
namespace et = evidence::testing;

constexpr const char* kUsage =
    "usage: evidence-make-samples [--verbose] DIR\n"
    "       evidence-make-samples --corpus DIR --files N --total-bytes B [--seed S] [--verbose]\n"
    "       evidence-make-samples --small-corpus DIR --files N [--min B] [--max B] [--seed S]\n"
    "                             [--verbose]\n"
    "\n"
    "The first form writes the demo evidence set into DIR. --corpus writes N pseudo-random files\n"
    "file-0000.bin... totalling exactly B bytes; --small-corpus writes N files whose sizes lie\n"
    "between --min (default 4096) and --max (default 65536). Sizes accept a K, M or G suffix\n"
    "(powers of 1024). Exit status: 0 success, 2 usage error, 3 a file could not be written.\n";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::uint64_t ParseCount(std::string_view option, std::string_view text, bool allow_suffix) {
  std::uint64_t multiplier = 1;
  if (allow_suffix && !text.empty()) {
    switch (text.back()) {
      case 'K':
      case 'k':
        multiplier = 1ULL << 10;
        break;
      case 'M':
      case 'm':
        multiplier = 1ULL << 20;
        break;
      case 'G':
      case 'g':
        multiplier = 1ULL << 30;
        break;
      default:
        break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      value > UINT64_MAX / multiplier) {
    throw UsageError(std::string(option) + " needs a whole number, not \"" + std::string(text) +
                     "\"");
  }
  return value * multiplier;
}

std::string CorpusName(std::uint64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "file-%04llu.bin", static_cast<unsigned long long>(index));
  return name;
}

// Each file gets its own stream; mixing the index in keeps corpora with nearby seeds unrelated.
std::uint64_t FileSeed(std::uint64_t seed, std::uint64_t index) {
  return seed * 0x9E3779B97F4A7C15ULL + index + 1;
}

std::uint64_t ReadLe64(const std::string& bytes) {
  std::uint64_t v = 0;
  for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[b]);
  return v;
}

void Report(bool verbose, const fs::path& path) {
  if (verbose) std::cout << path.string() << " (" << fs::file_size(path) << " bytes)\n";
}

void WriteDemo(const fs::path& dir, bool verbose) {
  et::JpegOptions photo;
  photo.width = 320;
  photo.height = 240;
  photo.seed = 20260301;
  et::WriteJpegWithExif(dir / "gift-on-doorstep.jpg", photo);
  Report(verbose, dir / "gift-on-doorstep.jpg");

  et::PngOptions screenshot;
  screenshot.width = 180;
  screenshot.height = 320;
  screenshot.seed = 20260302;
  screenshot.description = "Screenshot of Instagram direct messages";
  et::WritePngScreenshot(dir / "screenshot-instagram-dm.png", screenshot);
  Report(verbose, dir / "screenshot-instagram-dm.png");

  et::WriteWav(dir / "voicemail-2026-03-02.wav", 3.0, 8000, 1, 302);
  Report(verbose, dir / "voicemail-2026-03-02.wav");

  et::WriteText(
      dir / "notes-from-neighbour.txt",
      "Notes from Mrs Patel, No. 14 (written down for Sam)\n"
      "\n"
      "Sun 1 March, about 7.30am: a man in a dark green jacket left a wrapped box on your\n"
      "doorstep. He stood across the road for ten minutes afterwards looking at your\n"
      "windows, then walked towards the station.\n"
      "\n"
      "Mon 2 March, about 6.45pm: the same man sat in a silver hatchback outside No. 9\n"
      "with the engine running until nearly 8pm. I did not get the full number plate;\n"
      "it started with LK.\n"
      "\n"
      "Happy to speak to the police about this.\n");
  Report(verbose, dir / "notes-from-neighbour.txt");

  et::WriteWhatsAppExport(dir / "whatsapp-chat.txt", "Daniel Marsh", "Sam");
  Report(verbose, dir / "whatsapp-chat.txt");
}

struct Options {
  enum class Mode { kDemo, kCorpus, kSmallCorpus } mode = Mode::kDemo;
  fs::path dir;
  std::optional<std::uint64_t> files;
  std::optional<std::uint64_t> total_bytes;
  std::uint64_t min = 4096;
  std::uint64_t max = 65536;
  std::uint64_t seed = 1;
  bool verbose = false;
  bool help = false;
};

Options ParseArgs(const std::vector<std::string>& args) {
  Options o;
  bool have_dir = false, have_min = false, have_max = false;
  auto set_dir = [&](const std::string& d) {
    if (have_dir) throw UsageError("more than one folder given");
    if (d.empty()) throw UsageError("empty folder name");
    o.dir = d;
    have_dir = true;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (a == "--corpus" || a == "--small-corpus") {
      if (o.mode != Options::Mode::kDemo)
        throw UsageError("--corpus and --small-corpus exclude each other");
      o.mode = a == "--corpus" ? Options::Mode::kCorpus : Options::Mode::kSmallCorpus;
      set_dir(value());
    } else if (a == "--files") {
      o.files = ParseCount(a, value(), false);
    } else if (a == "--total-bytes") {
      o.total_bytes = ParseCount(a, value(), true);
    } else if (a == "--min") {
      o.min = ParseCount(a, value(), true);
      have_min = true;
    } else if (a == "--max") {
      o.max = ParseCount(a, value(), true);
      have_max = true;
    } else if (a == "--seed") {
      o.seed = ParseCount(a, value(), false);
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option " + a);
    } else {
      set_dir(a);
    }
  }
  if (o.help) return o;
  if (!have_dir) throw UsageError("no folder given");
  const bool corpus = o.mode != Options::Mode::kDemo;
  if (!corpus && (o.files || o.total_bytes || have_min || have_max)) {
    throw UsageError("--files, --total-bytes, --min and --max need --corpus or --small-corpus");
  }
  if (corpus && (!o.files || *o.files == 0)) throw UsageError("--files N (N >= 1) is required");
  if (o.mode == Options::Mode::kCorpus && !o.total_bytes) {
    throw UsageError("--corpus needs --total-bytes");
  }
  if (o.mode == Options::Mode::kSmallCorpus && (o.total_bytes)) {
    throw UsageError("--small-corpus takes --min and --max, not --total-bytes");
  }
  if (o.mode == Options::Mode::kCorpus && (have_min || have_max)) {
    throw UsageError("--corpus takes --total-bytes, not --min or --max");
  }
  if (o.min > o.max) throw UsageError("--min is larger than --max");
  return o;
}

void WriteCorpus(const Options& o) {
  const std::uint64_t n = *o.files;
  for (std::uint64_t i = 0; i < n; ++i) {
    // Equal shares; the first (total % n) files take one byte more, so the total is exact.
    const std::uint64_t size = *o.total_bytes / n + (i < *o.total_bytes % n ? 1 : 0);
    const fs::path path = o.dir / CorpusName(i);
    et::WriteRandomFile(path, size, FileSeed(o.seed, i));
    Report(o.verbose, path);
  }
}

void WriteSmallCorpus(const Options& o) {
  const std::uint64_t span = o.max - o.min;
  for (std::uint64_t i = 0; i < *o.files; ++i) {
    const std::uint64_t draw = ReadLe64(et::RandomBytes(8, ~FileSeed(o.seed, i)));
    const std::uint64_t size = span == UINT64_MAX ? draw : o.min + draw % (span + 1);
    const fs::path path = o.dir / CorpusName(i);
    et::WriteRandomFile(path, size, FileSeed(o.seed, i));
    Report(o.verbose, path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = ParseArgs(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "evidence-make-samples: error: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  try {
    fs::create_directories(options.dir);
    switch (options.mode) {
      case Options::Mode::kDemo:
        WriteDemo(options.dir, options.verbose);
        break;
      case Options::Mode::kCorpus:
        WriteCorpus(options);
        break;
      case Options::Mode::kSmallCorpus:
        WriteSmallCorpus(options);
        break;
    }
  } catch (const std::exception& e) {
    std::cerr << "evidence-make-samples: error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
