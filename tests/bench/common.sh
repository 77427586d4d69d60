# Shared by run.sh and ledger.sh (sourced, not run): error reporting, the "BUILD_DIR [--quick]"
# arguments and the check that the tools are built. The sourcing script sets bench_name first.

die() {
  echo "$bench_name: error: $*" >&2
  exit 2
}

usage() {
  echo "usage: $0 BUILD_DIR [--quick]" >&2
  exit 2
}

# Reads "BUILD_DIR [--quick]" and sets build (an absolute path), evidence and quick (0 or 1).
parse_bench_args() {
  local build_arg="" arg
  quick=0
  for arg in "$@"; do
    case "$arg" in
      --quick) quick=1 ;;
      -h | --help) usage ;;
      -*) die "unknown option $arg" ;;
      *) [ -z "$build_arg" ] || usage; build_arg="$arg" ;;
    esac
  done
  [ -n "$build_arg" ] || usage
  [ -d "$build_arg" ] || die "$build_arg is not a folder (build the project first)"
  build="$(cd "$build_arg" && pwd)"
  evidence="$build/tools/evidence"
}

# require_built "CMAKE TARGETS" TOOL...: dies naming the build command when a tool is missing.
require_built() {
  local targets="$1" tool
  shift
  for tool in "$@"; do
    [ -x "$tool" ] || die "$tool is missing; build it first: cmake --build $build --target $targets"
  done
}

# use_app_work_dir DIR: a fresh work folder for the app's benchmarks, removed when the script
# ends, with HOME inside it (nothing the app or the CLI keeps lands outside) and no case named by
# the environment; sets work and pass (the passphrase of the encrypted cases).
use_app_work_dir() {
  work="$1"
  rm -rf "$work"
  mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
  export HOME="$work/home" XDG_DATA_HOME="$work/home/data"
  unset EVIDENCE_CASE
  pass="a passphrase for the benchmark"
}
