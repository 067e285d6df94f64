// The one entry point behind both the libFuzzer target of the Tenor front end (fuzz_tnr.cpp) and
// its plain replay driver (tnr_replay_main.cpp): arbitrary bytes in as a source file, lexed, parsed
// and checked; crashes or broken invariants out (as an abort, which both drivers report).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tenor::fuzz {

struct TnrOutcome {
  bool parsed = false;          // no lex or parse errors (so the checker ran)
  bool checked = false;         // no errors at all: a valid contract
  std::size_t diagnostics = 0;  // kept diagnostics, at the default limits
};

TnrOutcome run_tnr_input(std::span<const std::uint8_t> bytes);

}  // namespace tenor::fuzz
