// What the shared library exports. The library is built with -fvisibility=hidden, so a symbol
// leaves libevidence.so only if a public header declares it between EVIDENCE_PUBLIC_BEGIN and
// EVIDENCE_PUBLIC_END. Every header in include/evidence/ wraps its declarations so; private code
// under src/ does not, and stays out of the ABI (docs/architecture.md "The public API").
#pragma once

#define EVIDENCE_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define EVIDENCE_PUBLIC_END _Pragma("GCC visibility pop")
