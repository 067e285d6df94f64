#include "tenor/compiler/source.hpp"

#include <algorithm>

namespace tenor::compiler {

std::uint32_t utf8_column_width(std::string_view bytes) {
  std::uint32_t n = 0;
  for (unsigned char c : bytes)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

SourceFile::SourceFile(std::string name, std::string text, std::string path)
    : name_(std::move(name)), path_(path.empty() ? name_ : std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
}

LineColumn SourceFile::line_column(std::uint32_t offset) const {
  if (offset > text_.size()) offset = static_cast<std::uint32_t>(text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
  const std::uint32_t start = line_starts_[line - 1];
  return {line, 1 + utf8_column_width(std::string_view(text_).substr(start, offset - start))};
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::uint32_t start = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<std::uint32_t>(text_.size());
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

FileId SourceManager::add_file(std::string name, std::string text, std::string path) {
  files_.push_back(std::make_unique<SourceFile>(std::move(name), std::move(text), std::move(path)));
  return static_cast<FileId>(files_.size() - 1);
}

}  // namespace tenor::compiler
