// `tenor keys new|list|show`: the named Ed25519 keys the chain commands sign with (DATA/keys, or
// --keys DIR). Nothing here prints a secret seed: only names, public keys and file paths.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace tenor::cli {
namespace {

Json key_json(const std::string& name, const sdk::KeyPair& key, const sdk::KeyStore& store) {
  return Json{{"name", name}, {"public_key", sdk::hex(key.public_key())}, {"file", store.path_of(name).string()}};
}

int keys_new(const CommonOptions& opts, const std::string& name) {
  if (!sdk::KeyStore::valid_name(name)) usage_error("\"" + name + "\" is not a key name (1 to 64 of A-Z a-z 0-9 _ -)");
  sdk::KeyStore store = key_store(opts);
  auto key = store.create(name);
  if (!key) {
    if (key.error().code == sdk::ErrorCode::AlreadyExists) fail(kExitFailure, key.error().message);
    fail(kExitFailure,
         "cannot create key \"" + name + "\" in " + store.dir().string() + ": " + key.error().to_string());
  }
  if (opts.json) {
    print_json(key_json(name, *key, store));
  } else {
    std::cout << "created key " << name << "\n"
              << "  public key: " << sdk::hex(key->public_key()) << "\n"
              << "  file:       " << store.path_of(name).string() << " (keep it secret: it holds the seed)\n";
  }
  return kExitOk;
}

int keys_list(const CommonOptions& opts) {
  sdk::KeyStore store = key_store(opts);
  auto names = store.list();
  if (!names) fail(kExitFailure, "cannot list " + store.dir().string() + ": " + names.error().to_string());
  Json out = Json::array();
  int status = kExitOk;
  for (const std::string& name : *names) {
    auto key = store.load(name);
    if (!key) {
      std::cerr << "tenor: warning: key " << name << ": " << key.error().to_string() << "\n";
      status = kExitFailure;
      continue;
    }
    if (opts.json)
      out.push_back(key_json(name, *key, store));
    else
      std::cout << name << "  " << sdk::hex(key->public_key()) << "\n";
  }
  if (opts.json)
    print_json(out);
  else if (names->empty())
    std::cout << "no keys in " << store.dir().string() << " (`tenor keys new NAME` makes one)\n";
  return status;
}

int keys_show(const CommonOptions& opts, const std::string& name) {
  sdk::KeyPair key = load_key(opts, name);
  sdk::KeyStore store = key_store(opts);
  if (opts.json) {
    print_json(key_json(name, key, store));
  } else {
    std::cout << "key " << name << "\n"
              << "  public key: " << sdk::hex(key.public_key()) << "\n"
              << "  file:       " << store.path_of(name).string() << "\n";
  }
  return kExitOk;
}

}  // namespace

void setup_keys(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);

  struct Options {
    CommonOptions common;
    std::string name;
  };
  auto o = std::make_shared<Options>();

  CLI::App* new_cmd = cmd.add_subcommand("new", "Generate a key pair and store it as NAME");
  new_cmd->footer(
      "The key is stored in DATA/keys/NAME.json (mode 0600; it holds the secret seed). Prints the "
      "public key, never the seed.");
  new_cmd->add_option("NAME", o->name, "the key's name: 1 to 64 of A-Z a-z 0-9 _ -")->required();
  on_run(new_cmd, ctx, o->common, [o] { return keys_new(o->common, o->name); });

  CLI::App* list_cmd = cmd.add_subcommand("list", "List the stored keys: name and public key");
  on_run(list_cmd, ctx, o->common, [o] { return keys_list(o->common); });

  CLI::App* show_cmd = cmd.add_subcommand("show", "Print a key's public key and file (never its seed)");
  show_cmd->add_option("NAME", o->name, "the key's name")->required();
  on_run(show_cmd, ctx, o->common, [o] { return keys_show(o->common, o->name); });
}

}  // namespace tenor::cli
