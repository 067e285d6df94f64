// Source files and positions. A SourceLocation is a file id plus a byte offset; lines and columns
// are computed on demand. Columns count UTF-8 characters (code points), not bytes, starting at 1;
// a tab counts as one column. Lines start at 1 and end at '\n' ("\r\n" counts as one line break;
// the '\r' is not shown in a diagnostic's source line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tenor::compiler {

using FileId = std::uint32_t;

struct SourceLocation {
  FileId file = 0;
  std::uint32_t offset = 0;
};

// Bytes [begin, end) of one file. An empty range marks a point (e.g. the end of the file).
struct SourceRange {
  FileId file = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  SourceLocation start() const { return {file, begin}; }
  std::uint32_t size() const { return end - begin; }
  // The smallest range covering both (same file assumed).
  static SourceRange cover(SourceRange a, SourceRange b) {
    return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

struct LineColumn {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in UTF-8 characters
};

class SourceFile {
 public:
  // `name` is what diagnostics show (the path as typed, or a module's path built from it); `path`
  // (default: `name`) what the output records: trap messages, the source map, function names.
  // The driver makes `path` relative to the project, so that a build does not depend on how or
  // where the source was named (docs/language.md, "Modules").
  SourceFile(std::string name, std::string text, std::string path = {});

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  LineColumn line_column(std::uint32_t offset) const;
  // The text of a 1-based line without its line break.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_start(std::uint32_t line) const { return line_starts_[line - 1]; }

 private:
  std::string name_;
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Owns every file of a compilation. Files are never removed, so their text stays valid (and
// string_views into it too) as long as the manager lives, also when the manager is moved.
class SourceManager {
 public:
  FileId add_file(std::string name, std::string text, std::string path = {});
  const SourceFile& file(FileId id) const { return *files_.at(id); }
  std::size_t file_count() const { return files_.size(); }
  LineColumn line_column(SourceLocation loc) const { return file(loc.file).line_column(loc.offset); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// The number of UTF-8 characters in `bytes` (bytes that are not continuation bytes).
std::uint32_t utf8_column_width(std::string_view bytes);

}  // namespace tenor::compiler
