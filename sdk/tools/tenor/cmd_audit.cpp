// `tenor replay|export|import|trace`: the auditor's commands. Replay re-executes every block from
// genesis in a fresh state and checks each block's state root, receipts and gas; export/import move
// a chain's history to another machine as one file (importing re-executes and verifies it); trace
// re-executes one recorded transaction with the execution trace on.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "tenor/vm/trace.hpp"

namespace tenor::cli {
namespace {

// A chain folder given directly, or a data folder holding chain/.
fs::path chain_folder(const CommonOptions& opts, const std::optional<std::string>& dir) {
  fs::path p = dir ? fs::path(*dir) : opts.data_dir();
  std::error_code ec;
  if (fs::is_directory(p / "chain", ec)) return p / "chain";
  if (!fs::is_directory(p, ec)) usage_error("no chain at " + p.string() + " (run `tenor init` first, or give --data)");
  return p;
}

// "replayed block 12/40" on stderr, overwritten in place on a terminal, one line per 10% otherwise.
sdk::Progress progress_printer(bool quiet) {
  if (quiet) return {};
  const bool tty = isatty(fileno(stderr)) != 0;
  return [tty, last_decile = -1](uint64_t done, uint64_t total) mutable {
    if (tty) {
      std::fprintf(stderr, "\rreplayed block %llu/%llu", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
      if (done == total) std::fprintf(stderr, "\n");
      return;
    }
    int decile = total == 0 ? 10 : static_cast<int>(done * 10 / total);
    if (decile != last_decile) {
      last_decile = decile;
      std::fprintf(stderr, "replayed block %llu/%llu\n", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    }
  };
}

int report(const sdk::ReplayReport& r, const CommonOptions& opts, const std::string& what) {
  if (opts.json) {
    Json j;
    j["ok"] = r.ok();
    j["blocks"] = r.blocks;
    j["transactions"] = r.transactions;
    if (r.mismatch) {
      j["mismatch"]["height"] = r.mismatch->height;
      if (r.mismatch->tx_index) j["mismatch"]["tx_index"] = *r.mismatch->tx_index;
      j["mismatch"]["what"] = r.mismatch->what;
    }
    print_json(j);
  } else if (r.ok()) {
    std::cout << what << " ok: " << r.blocks << " blocks and " << r.transactions
              << " transactions reproduced bit for bit (state roots, receipts, gas)\n";
  } else {
    std::cout << "MISMATCH at block " << r.mismatch->height;
    if (r.mismatch->tx_index) std::cout << ", transaction " << *r.mismatch->tx_index;
    std::cout << ": " << r.mismatch->what << "\n";
  }
  return r.ok() ? kExitOk : kExitFailure;
}

std::optional<vm::TraceLevel> parse_level(const std::string& s) {
  if (s == "block") return vm::TraceLevel::Block;
  if (s == "instr") return vm::TraceLevel::Instr;
  return std::nullopt;
}

void print_trace(const vm::Tracer& t, size_t limit, const sdk::Receipt& r, const CommonOptions& opts) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(t.hash()));
  if (opts.json) {
    Json j;
    j["receipt"] = receipt_json(r);
    j["trace_hash"] = hash;
    j["events"] = t.steps();
    Json events = Json::array();
    for (size_t i = 0; i < std::min(limit, t.events().size()); ++i)
      events.push_back(vm::Tracer::format(i, t.events()[i]));
    j["trace"] = std::move(events);
    print_json(j);
    return;
  }
  for (size_t i = 0; i < std::min(limit, t.events().size()); ++i)
    std::cout << vm::Tracer::format(i, t.events()[i]) << "\n";
  if (limit < t.steps()) std::cout << "... " << (t.steps() - limit) << " more events (--limit)\n";
  std::cout << "trace hash: " << hash << " (" << t.steps() << " events)\n" << receipt_text(r);
}

// Bound variables must outlive parse(): each command's live in one shared object its callback holds.
struct AuditOptions {
  CommonOptions common;
  std::optional<std::string> dir;
  std::string file;
  std::string tx;
  std::string level = "block";
  size_t limit = 1000;
  bool quiet = false;
  bool trace = false;
};

}  // namespace

void setup_replay(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<AuditOptions>();
  cmd.add_option("DATA_DIR", o->dir, "the data folder (or its chain/ folder); default --data");
  cmd.add_flag("--quiet", o->quiet, "no progress on stderr");
  cmd.add_flag("--trace", o->trace,
               "on a receipt mismatch, also print the block-level trace of the re-executed transaction "
               "(compare it with `tenor trace` on the node that recorded it)");
  on_run(&cmd, ctx, o->common, [o] {
    fs::path dir = chain_folder(o->common, o->dir);
    auto r = sdk::Chain::replay(dir.string(), progress_printer(o->quiet || o->common.json));
    if (!r) fail(kExitFailure, "replay of " + dir.string() + ": " + r.error().to_string());
    int code = report(*r, o->common, "replay");
    if (o->trace && r->mismatch && r->mismatch->tx_index) {
      auto chain = sdk::Chain::open(dir.string());
      auto hashes =
          chain ? (*chain)->block_tx_hashes(r->mismatch->height) : sdk::Result<std::vector<sdk::Hash>>(chain.error());
      if (hashes && *r->mismatch->tx_index < hashes->size()) {
        vm::Tracer tracer(vm::TraceLevel::Block);
        auto traced = (*chain)->trace((*hashes)[*r->mismatch->tx_index], tracer);
        if (traced) print_trace(tracer, o->limit, *traced, o->common);
      }
    }
    return code;
  });
}

void setup_export(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<AuditOptions>();
  cmd.add_option("FILE", o->file, "the file to write")->required();
  on_run(
      &cmd, ctx, o->common,
      [o] {
        auto chain = sdk::Chain::open(chain_folder(o->common, std::nullopt).string());
        if (!chain) fail(kExitFailure, chain.error().to_string());
        if (auto s = (*chain)->export_to(o->file); !s) fail(kExitFailure, s.error().to_string());
        std::cout << "exported " << (*chain)->head().height << " blocks to " << o->file << "\n";
        return kExitOk;
      },
      false);
}

void setup_import(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<AuditOptions>();
  cmd.add_option("FILE", o->file, "an exported file")->required();
  cmd.add_flag("--quiet", o->quiet, "no progress on stderr");
  on_run(&cmd, ctx, o->common, [o] {
    fs::path dir = o->common.chain_dir();
    std::error_code ec;
    if (fs::exists(dir, ec)) usage_error(dir.string() + " already holds a chain");
    fs::create_directories(o->common.data_dir(), ec);
    auto r = sdk::Chain::import_from(o->file, dir.string(), progress_printer(o->quiet || o->common.json));
    if (!r) fail(kExitFailure, "import of " + o->file + ": " + r.error().to_string());
    return report(*r, o->common, "import");
  });
}

void setup_trace(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<AuditOptions>();
  cmd.add_option("TX", o->tx, "the transaction hash")->required();
  cmd.add_option("--level", o->level, "block (basic blocks with their gas) or instr (every instruction)")
      ->default_val("block");
  cmd.add_option("--limit", o->limit, "trace events to print")->default_val(1000);
  on_run(&cmd, ctx, o->common, [o] {
    auto level = parse_level(o->level);
    if (!level) usage_error("unknown trace level \"" + o->level + "\" (block or instr)");
    sdk::Hash h = parse_hash("TX", o->tx);
    auto chain = sdk::Chain::open(chain_folder(o->common, std::nullopt).string());
    if (!chain) fail(kExitFailure, chain.error().to_string());
    vm::Tracer tracer(*level, o->limit);
    auto r = (*chain)->trace(h, tracer);
    if (!r) fail(kExitFailure, r.error().to_string());
    print_trace(tracer, o->limit, *r, o->common);
    auto recorded = (*chain)->receipt(h);
    if (recorded && sdk::encode(*recorded) != sdk::encode(*r)) {
      std::cout << "the re-execution differs from the recorded receipt\n";
      return kExitFailure;
    }
    return kExitOk;
  });
}

}  // namespace tenor::cli
