// Private helpers for propagating Status and Result values.
#pragma once

#include "evidence/status.hpp"

#define EVIDENCE_CONCAT_INNER_(a, b) a##b
#define EVIDENCE_CONCAT_(a, b) EVIDENCE_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define EVIDENCE_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::evidence::Status evidence_status_ = (expr);        \
    if (!evidence_status_.ok()) return evidence_status_; \
  } while (0)

// `EVIDENCE_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result, or returns its Status.
#define EVIDENCE_ASSIGN_OR_RETURN(lhs, expr) \
  EVIDENCE_ASSIGN_OR_RETURN_IMPL_(EVIDENCE_CONCAT_(evidence_result_, __LINE__), lhs, expr)
#define EVIDENCE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
