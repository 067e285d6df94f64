// Contracts with modules (docs/language.md, "Modules"), compiled and run: the fixture
// tests/modules/app (a module beside the contract, project modules under lib/ that use each other,
// a standard module found through the std folder option, tests/modules/std) called through its
// entry points; builds that do not depend on how or where the project is named; unused module fns
// adding nothing to the module; traps and the source map naming the module file and line;
// source_sha256 covering the modules.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

#include <filesystem>

#include "harness.hpp"
#include "tenor/common/civil_date.hpp"
#include "tenor/common/hex.hpp"
#include "tenor/common/sha256.hpp"
#include "tenor/common/wasm_sections.hpp"
#include "tenor/sdk/srcmap.hpp"

namespace tenor::test {
namespace {

namespace fs = std::filesystem;
using i128 = __int128;

const fs::path kApp = fs::path(TENOR_TEST_MODULES_DIR) / "app";
const fs::path kStd = fs::path(TENOR_TEST_MODULES_DIR) / "std";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A fresh folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "tenor-modules-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(t.data()), nullptr);
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

compiler::BuildOptions options(compiler::OptLevel opt = compiler::OptLevel::O2, const fs::path& std_dir = kStd) {
  compiler::BuildOptions o;
  o.opt = opt;
  o.modules.std_dir = std_dir.string();
  return o;
}

// The root file named `name` (any spelling of its path), built with the fixture std folder.
compiler::BuildResult build(const std::string& name, const compiler::BuildOptions& o = options()) {
  return compiler::build_source(name, read(name), o);
}

// "FILE:L:C" of the first character of `needle` (unique in `dir/file`) plus `offset`.
std::string loc(const fs::path& dir, const std::string& file, std::string_view needle, std::size_t offset = 0) {
  const std::string text = read(dir / file);
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " in " << file;
  EXPECT_EQ(text.find(needle, at + 1), std::string::npos) << "not unique: " << needle;
  const std::size_t pos = at + offset;
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < pos; ++i)
    if (text[i] == '\n') ++line, line_start = i + 1;
  return file + ":" + std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

// The 1-based line of `needle` in `text`.
uint32_t line_of(const std::string& text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1);
}

Bytes money(i128 minor, std::string_view cur = "USD") { return Args().money(minor, cur).bytes(); }

// Rounding a non-negative quotient half to even, as Rounding::HalfEven does.
i128 half_even(i128 n, i128 d) {
  const i128 q = n / d, r = n % d;
  if (2 * r > d || (2 * r == d && q % 2 != 0)) return q + 1;
  return q;
}

int32_t day(int64_t y, unsigned m, unsigned d) { return static_cast<int32_t>(common::days_from_civil(y, m, d)); }

// ---- the fixture on the VM ------------------------------------------------------------------------

class App : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  void SetUp() override {
    const fs::path main = kApp / "main.tnr";
    c = std::make_unique<Deployed>(read(main), options(GetParam()), main.string());
    ASSERT_TRUE(c->build.ok());
    const ExecResult r = c->init({});
    ASSERT_TRUE(r.ok()) << status_text(r);
  }
  std::unique_ptr<Deployed> c;
};

// bill: fees::charge (beside the contract), which calls fees::fee; the struct it returns is a
// module's type held in storage.
TEST_P(App, BillCallsTheModuleBesideTheContract) {
  for (const auto& [amount, days] : {std::pair<i128, uint32_t>{100'000, 5}, {50, 1}, {50, 3}, {12'345, 3}, {7, 0}}) {
    const ExecResult r = c->call(Args().str("bill").money(amount, "USD").u32(days).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
    EXPECT_EQ(r.output, money(amount + half_even(amount * days, 100))) << int64_t(amount) << " " << days;
  }
}

// interest: lib::rates::accrue, which uses lib/percent.tnr beside it, over the days the standard
// module std::fixdays counts (with the Basis variant init stored: Act360 counts every day).
TEST_P(App, InterestCallsLibAndStdModules) {
  struct Case {
    i128 amount;
    int32_t from, to;
  };
  for (const Case& k :
       {Case{1'000'000, day(2027, 1, 1), day(2027, 4, 1)}, Case{36'000, day(2027, 1, 1), day(2028, 1, 1)},
        Case{99, day(2026, 12, 30), day(2027, 1, 2)}, Case{5'000, day(2027, 3, 1), day(2027, 3, 1)}}) {
    const ExecResult r = c->call(Args().str("interest").money(k.amount, "EUR").i32(k.from).i32(k.to).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
    const i128 days = k.to - k.from;
    EXPECT_EQ(r.output, money(half_even(k.amount * days * 365 / 100, 36000), "EUR")) << int64_t(k.amount);
  }
}

// kind_of matches on an enum of the module, with a payload.
TEST_P(App, KindOfMatchesAModuleEnum) {
  for (uint32_t d : {0u, 1u, 7u, 255u}) {
    const ExecResult r = c->call(Args().str("kind_of").u32(d).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
    EXPECT_EQ(r.output, Bytes{static_cast<uint8_t>(d)});
  }
}

// Run-time checks inside module fns name the module's file, line and column, relative to the
// project: `fees.tnr` beside the contract, `lib/rates.tnr`.
TEST_P(App, ChecksInModuleFnsNameTheModuleFile) {
  const i128 big = (i128(1) << 125);
  const ExecResult fee = c->call(Args().str("bill").money(big, "USD").u32(9).bytes());
  EXPECT_EQ(fee.status, ExecStatus::Trap) << status_text(fee);
  EXPECT_NE(fee.message.find("at " + loc(kApp, "fees.tnr", "amount.times(days)")), std::string::npos) << fee.message;
  const ExecResult interest =
      c->call(Args().str("interest").money(big, "USD").i32(day(2027, 1, 1)).i32(day(2027, 1, 9)).bytes());
  EXPECT_EQ(interest.status, ExecStatus::Trap) << status_text(interest);
  EXPECT_NE(interest.message.find("at " + loc(kApp, "lib/rates.tnr", "amount.times(days)")), std::string::npos)
      << interest.message;
}

INSTANTIATE_TEST_SUITE_P(Opt, App,
                         testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2, compiler::OptLevel::Oz),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// ---- reproducible builds --------------------------------------------------------------------------

// The same project named absolutely, relatively, with `./`, with `..` segments, through a symlinked
// folder, and copied elsewhere: the same bytes, which name files only relative to the project.
TEST(ModulesBuild, DoesNotDependOnHowTheProjectIsNamed) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "copy");
  fs::copy(kApp, tmp.path() / "copy" / "app", fs::copy_options::recursive);
  fs::copy(kStd, tmp.path() / "copy" / "std", fs::copy_options::recursive);
  fs::create_directory_symlink(kApp, tmp.path() / "link");
  const fs::path abs = fs::absolute(kApp / "main.tnr").lexically_normal();
  const std::string rel = fs::relative(abs, fs::current_path()).string();
  ASSERT_FALSE(fs::path(rel).is_absolute());
  const std::vector<std::pair<std::string, fs::path>> spellings = {
      {abs.string(), kStd},
      {rel, kStd},
      {"./" + rel, kStd},
      {(kApp / ".." / "app" / "lib" / ".." / "main.tnr").string(), kStd},
      {(tmp.path() / "link" / "main.tnr").string(), kStd},
      {(tmp.path() / "copy" / "app" / "main.tnr").string(), tmp.path() / "copy" / "std"},
  };
  const compiler::BuildResult first = build(spellings[0].first, options(compiler::OptLevel::O2, spellings[0].second));
  ASSERT_TRUE(first.ok()) << first.diagnostics_text();
  for (const auto& [name, std_dir] : spellings) {
    const compiler::BuildResult b = build(name, options(compiler::OptLevel::O2, std_dir));
    ASSERT_TRUE(b.ok()) << name << ": " << b.diagnostics_text();
    EXPECT_EQ(b.wasm, first.wasm) << name;
  }
  // Trap messages name the files relative to the project; no folder of this machine appears.
  const std::string bytes(first.wasm.begin(), first.wasm.end());
  for (const std::string& where : {loc(kApp, "fees.tnr", "amount.times(days)"),
                                   loc(kApp, "lib/rates.tnr", "amount.times(days)"), std::string("std/fixdays.tnr:")})
    EXPECT_NE(bytes.find(where), std::string::npos) << where;
  for (const std::string& folder : {std::string(TENOR_TEST_MODULES_DIR), tmp.path().string(), std::string("/tmp/")})
    EXPECT_EQ(bytes.find(folder), std::string::npos) << folder;
  // The source map's files too.
  auto map = sdk::SourceMap::from_wasm(first.wasm);
  ASSERT_TRUE(map && *map);
  for (const std::string& f : (*map)->files()) {
    EXPECT_FALSE(fs::path(f).is_absolute()) << f;
    EXPECT_TRUE(fs::is_regular_file(kApp / f) || (f.starts_with("std/") && fs::is_regular_file(kStd / f.substr(4))))
        << f;
  }
}

// ---- unused module fns ----------------------------------------------------------------------------

// The module's sections but tenor.abi, and the ABI with its hex hashes blanked (the source hash
// covers the module's text, which the extra fn changes).
std::pair<Bytes, std::string> without_hashes(const Bytes& wasm) {
  std::string abi = compiler::read_abi_section(wasm);
  auto rest = common::remove_wasm_sections(wasm, [](const common::WasmSection& s) { return s.name == "tenor.abi"; });
  EXPECT_TRUE(rest);
  abi = std::regex_replace(abi, std::regex("[0-9a-f]{64}"), "<sha256>");
  return {rest ? *rest : Bytes{}, abi};
}

// A fn that nothing calls, in a module beside the contract and in one only another module uses,
// adds no byte: the code, the source map and the ABI's shape are the same, and so is the size.
// The fn would cost bytes if called (the last build calls it).
class UnusedFn : public testing::TestWithParam<compiler::OptLevel> {};

TEST_P(UnusedFn, AddsNothing) {
  const compiler::BuildOptions o = options(GetParam());
  TempDir tmp;
  const fs::path app = tmp.path() / "app";
  fs::copy(kApp, app, fs::copy_options::recursive);
  const compiler::BuildResult plain = build((app / "main.tnr").string(), o);
  ASSERT_TRUE(plain.ok()) << plain.diagnostics_text();
  // At the end of the files, so that no line of the used code moves.
  const std::string unused = R"(
fn digest(amount: Money, r: Rate, rounds: u32) -> Hash {
  var h = sha256("unused");
  var n: u32 = 0;
  while n < rounds {
    h = sha256(h);
    n += 1;
  }
  let part = amount.apply(r, Rounding::HalfEven);
  require(part.is_positive(), "no part");
  return h;
}
)";
  write(app / "fees.tnr", read(kApp / "fees.tnr") + unused);
  write(app / "lib" / "percent.tnr", read(kApp / "lib" / "percent.tnr") + unused);
  const compiler::BuildResult extra = build((app / "main.tnr").string(), o);
  ASSERT_TRUE(extra.ok()) << extra.diagnostics_text();
  EXPECT_EQ(extra.wasm.size(), plain.wasm.size());
  EXPECT_EQ(without_hashes(extra.wasm), without_hashes(plain.wasm));
  EXPECT_NE(compiler::read_abi_section(extra.wasm), compiler::read_abi_section(plain.wasm));  // the hashes

  write(app / "main.tnr",
        read(kApp / "main.tnr") + "\nview digest(a: Money) -> Hash {\n  return fees::digest(a, 0.5, 3);\n}\n");
  const compiler::BuildResult used = build((app / "main.tnr").string(), o);
  ASSERT_TRUE(used.ok()) << used.diagnostics_text();
  EXPECT_GT(used.wasm.size(), plain.wasm.size() + 100);
}

INSTANTIATE_TEST_SUITE_P(ModulesBuild, UnusedFn, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// ---- source positions in module files -------------------------------------------------------------

constexpr std::string_view kSpinMain = R"(contract Spin

use lib::spin;

view count(n: u64) -> Hash {
  return spin::chain(n);
}

view next(n: u64) -> u64 {
  return spin::step(n);
}
)";

// A loop the optimiser cannot fold away (each round calls the host).
constexpr std::string_view kSpinLib = R"(// Hashing, round after round.
module spin

fn chain(n: u64) -> Hash {
  var h = sha256("seed");
  var i: u64 = 0;
  while i < n {
    h = sha256(h);
    i += 1;
  }
  return h;
}

fn step(n: u64) -> u64 {
  return n + 1;
}
)";

// A trap inside a module fn: the VM's trap site maps through tenor.srcmap to the module's file and
// the line in it (a version 2 map, naming the contract's file and the module's), and a run-time
// check's message names the module's line and column.
TEST(ModulesSourceMap, ATrapInAModuleFnNamesItsFileAndLine) {
  TempDir tmp;
  write(tmp.path() / "main.tnr", kSpinMain);
  write(tmp.path() / "lib" / "spin.tnr", kSpinLib);
  for (const compiler::OptLevel opt : {compiler::OptLevel::O0, compiler::OptLevel::O2}) {
    SCOPED_TRACE(compiler::opt_level_name(opt));
    Deployed c(kSpinMain, options(opt), (tmp.path() / "main.tnr").string());
    ASSERT_TRUE(c.build.ok());
    ExecResult r = c.call(Args().str("count").u64(2).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
    const vm::Hash once = common::sha256(std::span(reinterpret_cast<const uint8_t*>("seed"), 4));
    const vm::Hash twice = common::sha256(common::sha256(once));
    EXPECT_EQ(r.output, Bytes(twice.begin(), twice.end()));

    auto map = sdk::SourceMap::from_wasm(c.build.wasm);
    ASSERT_TRUE(map && *map);
    EXPECT_EQ((*map)->files(), (std::vector<std::string>{"main.tnr", "lib/spin.tnr"}));
    // Every row of the module's file is inside its fns; the loop's body has one.
    const std::string lib(kSpinLib);
    std::set<uint32_t> lines;
    for (const auto& row : (*map)->rows())
      if (row.line != 0 && (*map)->files()[row.file] == "lib/spin.tnr") {
        EXPECT_GE(row.line, line_of(lib, "fn chain"));
        EXPECT_LE(row.line, line_of(lib, "return n + 1;"));
        lines.insert(row.line);
      }
    EXPECT_TRUE(lines.count(line_of(lib, "h = sha256(h);")));

    // Out of gas in the loop: the site is in lib/spin.tnr, on the loop's lines. (At -O0 the loop
    // spends most of its gas in runtime helpers, which have no position, so the site may be there.)
    if (opt == compiler::OptLevel::O2) {
      r = c.run("tenor_entry", Args().str("count").u64(uint64_t(1) << 40).bytes(), 200'000);
      ASSERT_EQ(r.status, ExecStatus::OutOfGas) << status_text(r);
      ASSERT_TRUE(r.site);
      const auto where = sdk::source_location(c.build.wasm, r.site->code_offset);
      ASSERT_TRUE(where);
      EXPECT_EQ(where->file, "lib/spin.tnr");
      EXPECT_GE(where->line, line_of(lib, "while i < n"));
      EXPECT_LE(where->line, line_of(lib, "i += 1;"));
      EXPECT_GE(where->column, 1u);
    }

    r = c.call(Args().str("next").u64(~uint64_t(0)).bytes());
    EXPECT_EQ(r.status, ExecStatus::Trap) << status_text(r);
    EXPECT_NE(r.message.find("integer overflow at " + loc(tmp.path(), "lib/spin.tnr", "n + 1", 2)), std::string::npos)
        << r.message;
  }
}

// A contract without modules keeps the one-file map (version 1).
TEST(ModulesSourceMap, AContractWithoutModulesKeepsTheOneFileMap) {
  Deployed c("contract One\nview v(n: u64) -> u64 {\n  return n + 1;\n}\n");
  ASSERT_TRUE(c.build.ok());
  auto payload = sdk::SourceMap::section(c.build.wasm);
  ASSERT_TRUE(payload && *payload);
  ASSERT_FALSE((*payload)->empty());
  EXPECT_EQ((**payload)[0], 1);
  auto map = sdk::SourceMap::parse(**payload);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->files(), std::vector<std::string>{"test.tnr"});
}

// ---- source_sha256 --------------------------------------------------------------------------------

std::string abi_source_sha256(const Bytes& wasm) {
  const std::string abi = compiler::read_abi_section(wasm);
  std::smatch m;
  EXPECT_TRUE(std::regex_search(abi, m, std::regex("\"source_sha256\": \"([0-9a-f]{64})\""))) << abi;
  return m.size() > 1 ? m[1].str() : "";
}

std::string sha256_hex(std::string_view text) {
  return common::to_hex(common::sha256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
}

// With modules: the SHA-256 of the `sha256sum` lines of every file, sorted by project path; a change
// in a module alone (one two modules away from the contract) changes it, and undoing it restores
// it. Without modules: the SHA-256 of the file.
TEST(ModulesAbi, SourceSha256CoversTheModules) {
  TempDir tmp;
  const fs::path app = tmp.path() / "app";
  fs::copy(kApp, app, fs::copy_options::recursive);
  const compiler::BuildResult b = build((app / "main.tnr").string());
  ASSERT_TRUE(b.ok()) << b.diagnostics_text();
  std::string manifest;
  for (const char* f : {"fees.tnr", "lib/percent.tnr", "lib/rates.tnr", "main.tnr", "std/fixdays.tnr"}) {
    const std::string text = std::string_view(f).starts_with("std/") ? read(kStd / (f + 4)) : read(app / f);
    manifest += sha256_hex(text) + "  " + f + "\n";
  }
  const std::string hash = abi_source_sha256(b.wasm);
  EXPECT_EQ(hash, sha256_hex(manifest));
  const std::string abi = compiler::read_abi_section(b.wasm);
  EXPECT_TRUE(std::regex_search(abi, std::regex("\"path\": \"lib/percent.tnr\",\\s*\"sha256\": \"" +
                                                sha256_hex(read(app / "lib/percent.tnr")) + "\"")))
      << abi;

  const std::string percent = read(app / "lib" / "percent.tnr");
  write(app / "lib" / "percent.tnr", percent + "// a comment changes the source\n");
  const compiler::BuildResult changed = build((app / "main.tnr").string());
  ASSERT_TRUE(changed.ok()) << changed.diagnostics_text();
  EXPECT_NE(abi_source_sha256(changed.wasm), hash);
  write(app / "lib" / "percent.tnr", percent);
  EXPECT_EQ(abi_source_sha256(build((app / "main.tnr").string()).wasm), hash);

  const std::string one = "contract One\nview v() -> u8 {\n  return 1;\n}\n";
  const compiler::BuildResult single = compiler::build_source("one.tnr", one);
  ASSERT_TRUE(single.ok()) << single.diagnostics_text();
  EXPECT_EQ(abi_source_sha256(single.wasm), sha256_hex(one));
  EXPECT_EQ(compiler::read_abi_section(single.wasm).find("\"sources\""), std::string::npos);
}

// ---- docs/language.md's example ------------------------------------------------------------------

// The ```tenor blocks of the "Modules" section, each written to the file its first line names
// (`// lib/bps.tnr`); the first is the contract.
TEST(ModulesDocs, LanguageExampleRunsAsDocumented) {
  const std::string md = read(fs::path(TENOR_DOCS_DIR) / "language.md");
  const std::size_t begin = md.find("\n### Modules\n");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = md.find("\n## ", begin);
  TempDir tmp;
  std::vector<std::string> files;
  const std::string open = "```tenor\n// ";
  for (std::size_t p = md.find(open, begin); p < end; p = md.find(open, p + 1)) {
    const std::size_t name_at = p + open.size();
    const std::string name = md.substr(name_at, md.find('\n', name_at) - name_at);
    const std::size_t body = p + 9;
    write(tmp.path() / name, md.substr(body, md.find("```", body) - body));
    files.push_back(name);
  }
  ASSERT_EQ(files, (std::vector<std::string>{"fees.tnr", "tiers.tnr", "lib/bps.tnr"}));
  for (const bool preferred : {false, true}) {
    Deployed c(read(tmp.path() / files[0]), options(), (tmp.path() / files[0]).string());
    ASSERT_TRUE(c.build.ok());
    ExecResult r = c.init(Args().boolean(preferred).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
    for (const i128 amount : {i128(1'000'000), i128(1), i128(333), i128(9'999'999)}) {
      r = c.call(Args().str("fee").money(amount, "USD").bytes());
      ASSERT_TRUE(r.ok()) << status_text(r);
      EXPECT_EQ(r.output, money(half_even(amount * (preferred ? 75 : 150), 10'000)));
    }
  }
}

}  // namespace
}  // namespace tenor::test
