// Every limit of the compiler's front end in one struct. Each is tested at its boundary.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tenor::compiler {

struct FrontEndLimits {
  // Error diagnostics kept; one more is dropped and a final "too many errors" note says so.
  std::size_t max_errors = 100;
  // Nesting of expressions, blocks, types and patterns the parser follows. Deeper is a
  // diagnostic, never a stack overflow.
  std::uint32_t max_nesting_depth = 256;
  // Source offsets are 32-bit; a larger file is refused with a diagnostic.
  std::size_t max_source_bytes = std::size_t{64} << 20;
};

}  // namespace tenor::compiler
