#include "tnr_fuzz_target.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "tenor/common/utf8.hpp"
#include "tenor/compiler/ast_printer.hpp"
#include "tenor/compiler/driver.hpp"

namespace tenor::fuzz {
namespace {

using namespace tenor::compiler;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "tenor fuzz (tnr): invariant broken: %s%s%.*s\n", what, detail.empty() ? "" : ": ",
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// The length of the UTF-8 sequence at s[i], or 0 when it is invalid (as the lexer decodes it).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  std::uint32_t cp = 0;
  return common::decode_utf8(s, i, cp);
}

// A strict JSON syntax check (RFC 8259) of the whole text: one value, strings in valid UTF-8 with
// no raw control characters. Tools read `tenor check --json`; it must parse for every input.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view s) : s_(s) {}

  bool document() {
    skip_space();
    if (!value(0)) return false;
    skip_space();
    return i_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 64;  // the renderer nests two levels; more is a bug anyway

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  static bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  bool value(int depth) {
    if (depth > kMaxDepth || i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }
  bool object(int depth) {
    ++i_;
    skip_space();
    if (eat('}')) return true;
    for (;;) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"' || !string()) return false;
      skip_space();
      if (!eat(':')) return false;
      skip_space();
      if (!value(depth + 1)) return false;
      skip_space();
      if (eat('}')) return true;
      if (!eat(',')) return false;
    }
  }
  bool array(int depth) {
    ++i_;
    skip_space();
    if (eat(']')) return true;
    for (;;) {
      skip_space();
      if (!value(depth + 1)) return false;
      skip_space();
      if (eat(']')) return true;
      if (!eat(',')) return false;
    }
  }
  bool string() {
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i_ >= s_.size()) return false;
        const char e = s_[i_++];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k)
            if (i_ >= s_.size() || !hex(s_[i_++])) return false;
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
        continue;
      }
      const std::size_t n = utf8_sequence(s_, i_);
      if (n == 0) return false;
      i_ += n;
    }
    return false;  // unterminated
  }
  bool number() {
    eat('-');
    if (eat('0')) {
    } else if (i_ < s_.size() && digit(s_[i_])) {
      while (i_ < s_.size() && digit(s_[i_])) ++i_;
    } else {
      return false;
    }
    if (eat('.')) {
      if (i_ >= s_.size() || !digit(s_[i_])) return false;
      while (i_ < s_.size() && digit(s_[i_])) ++i_;
    }
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      if (i_ >= s_.size() || !digit(s_[i_])) return false;
      while (i_ < s_.size() && digit(s_[i_])) ++i_;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Everything the front end reports, in order: kind, range and message of each kept diagnostic,
// then the printed AST. Rendering is left out: it is a function of these.
std::string transcript(const CheckResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics.sorted()) {
    out += std::to_string(static_cast<int>(d.kind)) + '@' + std::to_string(d.range.begin) + '-' +
           std::to_string(d.range.end) + ' ' + d.message + '\n';
  }
  out += std::to_string(r.diagnostics.error_count()) + '\n';
  out += print_ast(*r.ast);
  return out;
}

// Runs the front end over `text` under `limits`, checks every invariant, and returns the run's
// transcript for the determinism check.
std::string run_front_end(std::string_view text, const FrontEndLimits& limits, TnrOutcome* outcome) {
  try {
    const CheckResult r = check_source("fuzz.tnr", text, limits);
    if (!r.ast) fail("check_source returned no AST");
    if (r.ok() && !r.program) fail("no errors, but the checker did not run");
    if (r.file >= r.sources.file_count()) fail("the result's file id names no file");

    std::size_t kept_errors = 0;
    const std::vector<Diagnostic> diags = r.diagnostics.sorted();
    for (const Diagnostic& d : diags) {
      // Every range lies inside its file: [begin, end) with end <= its size (an empty range at
      // the end of the file marks the end of input). The file is the input, or a module it
      // imports (`use std::daycount;` loads stdlib/std/daycount.tnr).
      if (d.range.file >= r.sources.file_count()) fail("a diagnostic names no loaded file", d.message);
      const std::size_t size = d.range.file == r.file ? text.size() : r.sources.file(d.range.file).text().size();
      if (d.range.begin > d.range.end) fail("a diagnostic's range ends before it begins", d.message);
      if (d.range.end > size) fail("a diagnostic's range reaches past the end of the file", d.message);
      if (d.message.empty()) fail("a diagnostic without a message", diagnostic_kind_name(d.kind));
      const std::string_view kind = diagnostic_kind_name(d.kind);
      if (!common::is_valid_utf8(d.message)) fail("a diagnostic's message is not valid UTF-8", kind);
      if (!common::is_valid_utf8(d.help)) fail("a diagnostic's help is not valid UTF-8", kind);
      if (d.severity != diagnostic_kind_severity(d.kind)) fail("a diagnostic's severity is wrong", kind);
      if (d.severity == Severity::Error) ++kept_errors;
    }
    // The error cap: exactly min(errors, cap) errors are kept; the rest are counted.
    const std::size_t errors = r.diagnostics.error_count();
    if (kept_errors != (errors < limits.max_errors ? errors : limits.max_errors)) {
      fail("kept errors disagree with the error count and its cap");
    }
    if (r.ok() != (errors == 0)) fail("ok() disagrees with the error count");

    const std::string text_out = r.diagnostics_text();
    const std::string json_out = r.diagnostics_json();
    if (text_out.empty() != (diags.empty() && !r.diagnostics.truncated())) {
      fail("the text rendering is empty although there is something to say, or the reverse");
    }
    // It starts with the input's name, or (for a diagnostic in a module it imports) that module's.
    const std::string first_line = text_out.substr(0, text_out.find('\n'));
    if (!diags.empty() && text_out.rfind("fuzz.tnr:", 0) != 0 &&
        (diags[0].range.file == r.file || first_line.find(".tnr:") == std::string::npos)) {
      fail("the text rendering does not start with the file name", text_out.substr(0, 120));
    }
    if (!JsonChecker(json_out).document()) fail("the JSON rendering is not valid JSON", json_out);
    if (json_out.rfind("{\"diagnostics\":[", 0) != 0) {
      fail("the JSON rendering does not have its documented shape", json_out);
    }

    if (outcome != nullptr) {
      outcome->parsed = r.program != nullptr;
      outcome->checked = r.ok();
      outcome->diagnostics = diags.size();
    }
    return transcript(r);
  } catch (const std::exception& e) {
    fail("the front end or the rendering threw", e.what());
  } catch (...) {
    fail("the front end or the rendering threw a non-standard exception");
  }
}

}  // namespace

TnrOutcome run_tnr_input(std::span<const std::uint8_t> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  TnrOutcome outcome;

  const FrontEndLimits defaults;
  const std::string first = run_front_end(text, defaults, &outcome);

  // Builds are reproducible (docs/language.md §6): a second run over the same text must agree on
  // every diagnostic and on the tree (the invariants above hold for it too: no need to check them,
  // or to render its diagnostics, twice).
  try {
    const std::string second = transcript(check_source("fuzz.tnr", text, defaults));
    if (second != first) fail("two runs over the same text differ");
  } catch (const std::exception& e) {
    fail("the front end threw", e.what());
  }

  // Tight limits reach the depth bound and the error cap on inputs the fuzzer can keep small.
  FrontEndLimits tight;
  tight.max_errors = 3;
  tight.max_nesting_depth = 8;
  (void)run_front_end(text, tight, nullptr);
  return outcome;
}

}  // namespace tenor::fuzz
