// Files of the repository the tests read (docs/, tests/golden/): found from TENOR_SOURCE_DIR,
// which tests/unit/vm/CMakeLists.txt defines, not from __FILE__ (a compiler cache that rewrites
// paths relative to the build folder, e.g. ccache with CCACHE_BASEDIR, makes __FILE__ relative,
// and the tests do not run in the build folder).
#pragma once

#include <filesystem>
#include <string_view>

#ifndef TENOR_SOURCE_DIR
#error "TENOR_SOURCE_DIR must name the repository root (tests/unit/vm/CMakeLists.txt defines it)"
#endif

namespace tenor::vm::test {

// `relative` under the repository root, e.g. repo_path("docs/gas.md").
inline std::filesystem::path repo_path(std::string_view relative) {
  return (std::filesystem::path(TENOR_SOURCE_DIR) / relative).lexically_normal();
}

}  // namespace tenor::vm::test
