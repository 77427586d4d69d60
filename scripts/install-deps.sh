#!/usr/bin/env bash
# Installs the Debian 12 packages libevidence needs to build, test and run its demo. Idempotent:
# does nothing when everything is present. As root it runs apt-get; otherwise it prints the exact
# command to run and fails.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libssl-dev openssl libsqlite3-dev sqlite3
  nlohmann-json3-dev libcli11-dev
  libarchive-dev libarchive-tools
  libexiv2-dev libtag1-dev libmagic-dev libmagic-mgc
  libxml2-dev libgmime-3.0-dev
  libjpeg-dev libpng-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-cryptography
  file tzdata time
  # the reference age and age-keygen (tests/crypto: interoperability of the age hand-over),
  # util-linux for `script`, which gives `age -p` the terminal it reads a passphrase from
  age util-linux
  chromium python3-jsonschema
  # the app's browser tests (tests/app/browser): WebDriver for the system Chromium, and its client
  chromium-driver python3-selenium
  # evidence app: the local web server and its page templates (header-only)
  libcpp-httplib-dev libkainjow-mustache-dev
  # clang, its libFuzzer and sanitizer runtimes, llvm-symbolizer: make test-asan, the fuzz targets
  clang-14 libclang-rt-14-dev llvm-14
  # lld: both builds link with it, several times faster than the GNU linker (CMakeLists.txt)
  lld
  # tests/bench/upload.sh sends its upload with curl
  curl
)
# npm installs the pinned axe-core for the browser tests (into the build tree). Debian's package
# only when no npm is there at all: a Node.js from elsewhere (e.g. NodeSource's nodejs, which
# carries its own npm and conflicts with Debian's) must not be replaced by apt.
command -v npm >/dev/null || packages+=(npm)
# Extra packages named on the command line.
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "evidence: these Debian packages are missing: ${missing[*]}" >&2
  echo "evidence: hint: run as root: apt-get update && $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
