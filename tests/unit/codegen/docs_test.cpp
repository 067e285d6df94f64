// docs/abi.md's worked example: the ```tenor block is built, the ```call inputs are run in order,
// and the last call's output must equal the ```output block; the storage key and value the page
// names are checked too.
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace tenor::test {
namespace {

std::vector<std::string> blocks(const std::string& md, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "```" + tag + "\n";
  for (std::size_t p = md.find(open); p != std::string::npos; p = md.find(open, p + 1)) {
    const std::size_t start = p + open.size();
    out.push_back(md.substr(start, md.find("```", start) - start));
  }
  return out;
}

Bytes hex(const std::string& text) {
  Bytes out;
  std::string digits;
  for (char ch : text)
    if (std::isxdigit(static_cast<unsigned char>(ch))) digits += ch;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(DocsAbi, WorkedExampleRunsAsDocumented) {
  std::ifstream in(std::string(TENOR_DOCS_DIR) + "/abi.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  const auto src = blocks(md, "tenor");
  const auto calls = blocks(md, "call");
  const auto outputs = blocks(md, "output");
  ASSERT_EQ(src.size(), 1u);
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(outputs.size(), 1u);
  Deployed c(src[0], compiler::OptLevel::O2, "notes.tnr");
  ASSERT_TRUE(c.build.ok());
  ExecResult w = c.call(hex(calls[0]));
  ASSERT_TRUE(w.ok()) << status_text(w);
  EXPECT_EQ(c.host.get(c.address, std::string("\0\0\0\0\0\x07", 6)), hex("02000000 6869"));
  ExecResult r = c.call(hex(calls[1]));
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(r.output, hex(outputs[0]));
}

}  // namespace
}  // namespace tenor::test
