// The fixed identity the age fuzz target decrypts with, and its seeds are encrypted to.
#pragma once

#include "evidence/age.hpp"

namespace evidence::fuzz {

inline const AgeIdentity& AgeFuzzIdentity() {
  // The identity of the C2SP age testkit's X25519 vectors, so their files are seeds too.
  static const AgeIdentity id = *AgeIdentity::Parse(
      "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  return id;
}

}  // namespace evidence::fuzz
