// EVIDENCE_SANITIZED is defined in builds with AddressSanitizer, ThreadSanitizer or
// MemorySanitizer (GCC or clang). The sandboxed children then skip their address-space limit:
// shadow memory needs terabytes of address space.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EVIDENCE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define EVIDENCE_SANITIZED 1
#endif
#endif
