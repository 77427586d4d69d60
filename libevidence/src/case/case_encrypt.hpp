// The recovery side of `evidence encrypt` (encrypt.cpp, docs/case-format.md "Encrypting an
// existing case"). The conversion builds the encrypted case in CASE/tmp/encrypt.staging, renames
// that folder to CASE/tmp/encrypt.ready (the one commit point) and then moves its files into
// place, overwriting the plaintext ones. Case::Open calls FinishEncryption first, so that a
// conversion cut short is finished (after the commit point) or taken back (before it), and the
// case is always either the plaintext case or the encrypted one.
#pragma once

#include <filesystem>

#include "evidence/status.hpp"

namespace evidence {

// Finishes a committed conversion of the case in `dir` (idempotent: every step can run again
// after a crash), or removes the leftovers of one that did not reach its commit point. Waits for
// a conversion running in another process. Ok when there is nothing to do; kIoError when a step
// cannot be done (the case then stays unopened until it can).
Status FinishEncryption(const std::filesystem::path& dir);

}  // namespace evidence
