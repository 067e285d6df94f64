// Diagnostics: every kind is registered in diagnostic_kinds.def (beside this header). A
// DiagnosticEngine collects them (errors as values: nothing throws) and renders them sorted by
// position, either as text in the format of docs/language.md §5 or as JSON for tools.
//
// Text format, one block per diagnostic:
//   file:line:col: error: message
//   <the source line>
//   <spaces>^~~~          ('^' under the first character, '~' under the rest of the range on
//                          that line; a tab in the source line is kept so the caret lines up)
//   help: ...             (only when the diagnostic has help)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/limits.hpp"
#include "tenor/compiler/source.hpp"

namespace tenor::compiler {

enum class Severity : std::uint8_t { Error, Warning, Note };

enum class DiagnosticKind : std::uint16_t {
#define DIAGNOSTIC(Id, Sev, Format) Id,
#include "tenor/compiler/diagnostic_kinds.def"
#undef DIAGNOSTIC
};

// "expected_token" for ExpectedToken: the stable name tools see in JSON.
std::string_view diagnostic_kind_name(DiagnosticKind kind);
Severity diagnostic_kind_severity(DiagnosticKind kind);
std::string_view diagnostic_kind_format(DiagnosticKind kind);
std::string_view severity_name(Severity s);
std::size_t diagnostic_kind_count();

struct Diagnostic {
  DiagnosticKind kind{};
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::string help;            // empty: none
  std::uint32_t sequence = 0;  // report order: ties in position keep it
};

class DiagnosticEngine {
 public:
  explicit DiagnosticEngine(std::size_t max_errors = FrontEndLimits{}.max_errors) : max_errors_(max_errors) {}

  // Formats the kind's message with `args`. Errors past the cap are counted, not kept.
  void report(DiagnosticKind kind, SourceRange range, std::vector<std::string> args = {}, std::string help = {});

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  // True once the cap is reached: phases may stop early.
  bool saturated() const { return error_count_ >= max_errors_; }
  // True when errors were dropped, or a phase stopped early because the engine was saturated.
  bool truncated() const { return error_count_ > max_errors_ || stopped_early_; }
  void note_stopped_early() { stopped_early_ = true; }
  std::size_t max_errors() const { return max_errors_; }

  // Kept diagnostics sorted by (file, begin, end, report order).
  std::vector<Diagnostic> sorted() const;

  std::string render_text(const SourceManager& sources) const;
  std::string render_json(const SourceManager& sources) const;

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t error_count_ = 0;
  std::size_t max_errors_;
  bool stopped_early_ = false;
};

// One diagnostic in the text format (no trailing "too many errors" note).
std::string render_diagnostic(const SourceManager& sources, const Diagnostic& d);
// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace tenor::compiler
