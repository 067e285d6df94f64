// docs/host-api.md documents every function of host_api.def, and nothing else: its table
// (| name | params | results | gas | description |) must match the .def row for row, both ways.

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "host_api.hpp"
#include "repo_path.hpp"

namespace tenor::vm::test {
namespace {

struct DocRow {
  std::string params, results, gas, description;
  int line = 0;
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string body = trim(line);
  if (body.size() < 2 || body.front() != '|' || body.back() != '|') return out;
  std::stringstream ss(body.substr(1, body.size() - 2));
  std::string cell;
  while (std::getline(ss, cell, '|')) out.push_back(trim(cell));
  return out;
}

// "i32, i64" -> "iI"; "—" (or "-", or empty) -> "".
std::string letters(const std::string& types, std::string& error) {
  if (types.empty() || types == "—" || types == "-") return {};
  std::string out;
  std::stringstream ss(types);
  std::string t;
  while (std::getline(ss, t, ',')) {
    t = trim(t);
    if (t == "i32")
      out += 'i';
    else if (t == "i64")
      out += 'I';
    else
      error = "unknown type \"" + t + "\"";
  }
  return out;
}

std::map<std::string, DocRow> read_doc_table(std::string& error) {
  std::map<std::string, DocRow> rows;
  auto path = repo_path("docs/host-api.md");
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path.string();
    return rows;
  }
  std::string line;
  int n = 0;
  bool in_table = false, seen_table = false;
  while (std::getline(in, line)) {
    ++n;
    auto c = cells(line);
    if (!in_table) {
      if (c == std::vector<std::string>{"name", "params", "results", "gas", "description"}) {
        if (seen_table) error = "line " + std::to_string(n) + ": a second host function table";
        in_table = seen_table = true;
        std::getline(in, line);  // the |---| separator
        ++n;
      }
      continue;
    }
    if (c.empty()) {
      in_table = false;
      continue;
    }
    if (c.size() != 5) {
      error = "line " + std::to_string(n) + ": expected 5 cells, got " + std::to_string(c.size());
      continue;
    }
    std::string name = c[0];
    if (name.size() >= 2 && name.front() == '`' && name.back() == '`') name = name.substr(1, name.size() - 2);
    if (rows.count(name)) error = "line " + std::to_string(n) + ": " + name + " documented twice";
    rows[name] = DocRow{c[1], c[2], c[3], c[4], n};
  }
  if (!seen_table) error = "no | name | params | results | gas | description | table in " + path.string();
  return rows;
}

TEST(HostApiDoc, TableMatchesHostApiDef) {
  std::string error;
  std::map<std::string, DocRow> doc = read_doc_table(error);
  ASSERT_TRUE(error.empty()) << error;

  for (const auto& spec : detail::host_function_specs()) {
    auto it = doc.find(spec.name);
    if (it == doc.end()) {
      ADD_FAILURE() << spec.name << " is in host_api.def but not in docs/host-api.md";
      continue;
    }
    const DocRow& row = it->second;
    std::string perr;
    EXPECT_EQ(letters(row.params, perr), spec.params) << spec.name << " params (docs line " << row.line << ")";
    EXPECT_EQ(letters(row.results, perr), spec.results) << spec.name << " results (docs line " << row.line << ")";
    EXPECT_TRUE(perr.empty()) << spec.name << ": " << perr;
    EXPECT_EQ(row.gas, std::to_string(spec.gas)) << spec.name << " gas (docs line " << row.line << ")";
    EXPECT_EQ(row.description, spec.description) << spec.name << " description (docs line " << row.line << ")";
  }
  for (const auto& [name, row] : doc)
    EXPECT_TRUE(detail::find_host_function(name).has_value())
        << name << " is documented (docs line " << row.line << ") but is not in host_api.def";
  EXPECT_EQ(doc.size(), detail::host_function_specs().size());
}

}  // namespace
}  // namespace tenor::vm::test
