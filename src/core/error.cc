#include "core/error.h"

namespace bertq {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::INVALID_ARGUMENT:
      return "invalid argument";
    case ErrorCode::CORRUPT_FILE:
      return "corrupt file";
    case ErrorCode::NOT_FOUND:
      return "not found";
    case ErrorCode::UNSUPPORTED:
      return "unsupported";
    case ErrorCode::IO:
      return "i/o error";
    case ErrorCode::INTERRUPTED:
      return "interrupted";
    case ErrorCode::INTERNAL:
      return "internal error";
  }
  return "error";
}

void rethrow_with_context(const Error& e, const std::string& context) {
  throw Error(e.code(), context + ": " + e.what());
}

}  // namespace bertq
