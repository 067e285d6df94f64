// The VM decodes modules with common's ByteReader (tenor/common/byte_reader.hpp), named in vm::detail.
#pragma once

#include "tenor/common/byte_reader.hpp"

namespace tenor::vm::detail {
using common::ByteReader;
using common::is_valid_utf8;
using common::kErrLebTooLarge;
using common::kErrLebTooLong;
using common::kErrLengthOutOfBounds;
using common::kErrMalformedUtf8;
using common::kErrUnexpectedEnd;
}  // namespace tenor::vm::detail
