// The one RAII wrapper family for libarchive handles.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <locale.h>
#include <clocale>
#include <memory>

namespace evidence::arch {

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

using ReadPtr = std::unique_ptr<archive, ReadDeleter>;
using WritePtr = std::unique_ptr<archive, WriteDeleter>;
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

// libarchive converts member names through the current locale's character set; under the "C"
// locale it cannot represent UTF-8 names (and may crash writing them). This switches the calling
// thread to C.UTF-8 for its lifetime.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale() : loc_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (loc_ != static_cast<locale_t>(0)) old_ = uselocale(loc_);
  }
  ~ScopedUtf8Locale() {
    if (loc_ != static_cast<locale_t>(0)) {
      uselocale(old_);
      freelocale(loc_);
    }
  }
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

 private:
  locale_t loc_;
  locale_t old_ = static_cast<locale_t>(0);
};

}  // namespace evidence::arch
