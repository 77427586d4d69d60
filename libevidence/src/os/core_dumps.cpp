#include "core_dumps.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace evidence {

void DisableCoreDumps() {
  struct rlimit none = {0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace evidence
