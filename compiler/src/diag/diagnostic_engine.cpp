#include <algorithm>
#include <array>
#include <cstdio>

#include "tenor/compiler/diagnostics.hpp"

namespace tenor::compiler {
namespace {

struct KindInfo {
  std::string_view id;
  Severity severity;
  std::string_view format;
};

constexpr std::array kKinds = {
#define DIAGNOSTIC(Id, Sev, Format) KindInfo{#Id, Severity::Sev, Format},
#include "tenor/compiler/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

std::vector<std::string> make_snake_names() {
  std::vector<std::string> out;
  for (const KindInfo& k : kKinds) {
    std::string s;
    for (std::size_t i = 0; i < k.id.size(); ++i) {
      const char c = k.id[i];
      if (c >= 'A' && c <= 'Z') {
        if (i > 0) s += '_';
        s += static_cast<char>(c - 'A' + 'a');
      } else {
        s += c;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string format_message(std::string_view format, const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{' && i + 2 < format.size() && format[i + 2] == '}' && format[i + 1] >= '0' &&
        format[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(format[i + 1] - '0');
      if (n < args.size()) out += args[n];
      i += 2;
    } else {
      out += format[i];
    }
  }
  return out;
}

}  // namespace

std::string_view diagnostic_kind_name(DiagnosticKind kind) {
  static const std::vector<std::string> names = make_snake_names();
  return names[static_cast<std::size_t>(kind)];
}
Severity diagnostic_kind_severity(DiagnosticKind kind) { return kKinds[static_cast<std::size_t>(kind)].severity; }
std::string_view diagnostic_kind_format(DiagnosticKind kind) { return kKinds[static_cast<std::size_t>(kind)].format; }
std::size_t diagnostic_kind_count() { return kKinds.size(); }

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

void DiagnosticEngine::report(DiagnosticKind kind, SourceRange range, std::vector<std::string> args, std::string help) {
  const Severity sev = diagnostic_kind_severity(kind);
  if (sev == Severity::Error) {
    ++error_count_;
    if (error_count_ > max_errors_) return;
  }
  Diagnostic d;
  d.kind = kind;
  d.severity = sev;
  d.range = range;
  d.message = format_message(diagnostic_kind_format(kind), args);
  d.help = std::move(help);
  d.sequence = static_cast<std::uint32_t>(diagnostics_.size());
  diagnostics_.push_back(std::move(d));
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
    if (a.range.end != b.range.end) return a.range.end < b.range.end;
    return a.sequence < b.sequence;
  });
  return out;
}

std::string render_diagnostic(const SourceManager& sources, const Diagnostic& d) {
  const SourceFile& f = sources.file(d.range.file);
  const LineColumn lc = f.line_column(d.range.begin);
  std::string out = f.name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " +
                    std::string(severity_name(d.severity)) + ": " + d.message + "\n";
  const std::string_view line = f.line_text(lc.line);
  out += line;
  out += '\n';
  // Caret line: keep tabs so the marks line up under the characters they point at.
  const std::uint32_t line_start = f.line_start(lc.line);
  const std::uint32_t col_bytes = d.range.begin - line_start;
  for (std::uint32_t i = 0; i < col_bytes && i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
  }
  out += '^';
  // '~' under the rest of the range, up to the end of the first line.
  const std::uint32_t line_end = line_start + static_cast<std::uint32_t>(line.size());
  const std::uint32_t end = std::min(d.range.end, line_end);
  if (end > d.range.begin) {
    std::string_view rest = line.substr(col_bytes, end - d.range.begin);
    const std::uint32_t width = utf8_column_width(rest);
    if (width > 1) out.append(width - 1, '~');
  }
  out += '\n';
  if (!d.help.empty()) out += "help: " + d.help + "\n";
  return out;
}

std::string DiagnosticEngine::render_text(const SourceManager& sources) const {
  std::string out;
  for (const Diagnostic& d : sorted()) out += render_diagnostic(sources, d);
  if (truncated()) {
    const std::string name = sources.file_count() > 0 ? sources.file(0).name() : std::string("tenor");
    out += name + ": note: " +
           format_message(diagnostic_kind_format(DiagnosticKind::TooManyErrors), {std::to_string(max_errors_)}) +
           (error_count_ > max_errors_ ? " (" + std::to_string(error_count_) + " in all)" : std::string()) + "\n";
  }
  return out;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        // Bytes >= 0x80 pass through: messages quote only lexed, valid UTF-8 text.
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string DiagnosticEngine::render_json(const SourceManager& sources) const {
  std::string out = "{\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : sorted()) {
    if (!first) out += ',';
    first = false;
    const SourceFile& f = sources.file(d.range.file);
    const LineColumn b = f.line_column(d.range.begin);
    const LineColumn e = f.line_column(d.range.end);
    out += "{\"kind\":" + json_quote(diagnostic_kind_name(d.kind)) +
           ",\"severity\":" + json_quote(severity_name(d.severity)) + ",\"file\":" + json_quote(f.name()) +
           ",\"line\":" + std::to_string(b.line) + ",\"column\":" + std::to_string(b.column) +
           ",\"end_line\":" + std::to_string(e.line) + ",\"end_column\":" + std::to_string(e.column) +
           ",\"offset\":" + std::to_string(d.range.begin) + ",\"end_offset\":" + std::to_string(d.range.end) +
           ",\"message\":" + json_quote(d.message);
    if (!d.help.empty()) out += ",\"help\":" + json_quote(d.help);
    out += '}';
  }
  out += "],\"error_count\":" + std::to_string(error_count_) +
         ",\"truncated\":" + (truncated() ? std::string("true") : std::string("false")) + "}";
  return out;
}

}  // namespace tenor::compiler
