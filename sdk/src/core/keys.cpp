// Ed25519 key pairs, hex helpers and the KeyStore (keys.hpp).
#include "tenor/sdk/keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <system_error>

namespace tenor::sdk {

namespace {

// libsodium must be initialised before randombytes and signing. Idempotent and thread-safe.
void ensure_sodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) {
    // Without a working random generator no key can be generated safely: stop rather than
    // produce a weak key.
    std::abort();
  }
}

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

Error error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

template <size_t N>
Result<std::array<uint8_t, N>> parse_fixed_hex(std::string_view text, std::string_view what) {
  if (text.size() != 2 * N) {
    return error(ErrorCode::InvalidArgument, std::string(what) + " must be " + std::to_string(2 * N) + " hex digits (" +
                                                 std::to_string(N) + " bytes), got " + std::to_string(text.size()) +
                                                 " characters");
  }
  auto bytes = from_hex(text);
  if (!bytes) {
    return error(ErrorCode::InvalidArgument,
                 std::string(what) + " must be hex digits (0-9, a-f), got \"" + std::string(text) + "\"");
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace

// ---- KeyPair -----------------------------------------------------------------------------------

KeyPair KeyPair::generate() {
  ensure_sodium();
  KeyPair k;
  crypto_sign_keypair(k.public_key_.data(), k.secret_key_.data());
  return k;
}

KeyPair KeyPair::from_seed(const Seed& seed) {
  ensure_sodium();
  KeyPair k;
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_key_.data(), seed.data());
  return k;
}

KeyPair::~KeyPair() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

Seed KeyPair::seed() const noexcept {
  Seed s{};
  std::copy_n(secret_key_.begin(), s.size(), s.begin());
  return s;
}

Signature KeyPair::sign(std::span<const uint8_t> message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

std::string KeyPair::to_string() const { return "KeyPair(public_key=" + hex(public_key_) + ")"; }

bool operator==(const KeyPair& a, const KeyPair& b) noexcept {
  return sodium_memcmp(a.secret_key_.data(), b.secret_key_.data(), a.secret_key_.size()) == 0;
}

std::ostream& operator<<(std::ostream& os, const KeyPair& key) { return os << key.to_string(); }

bool verify(const Party& party, std::span<const uint8_t> message, const Signature& signature) noexcept {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), party.data()) == 0;
}

// ---- hex ---------------------------------------------------------------------------------------

Result<Party> parse_party(std::string_view text) { return parse_fixed_hex<32>(text, "party"); }
Result<Address> parse_address(std::string_view text) { return parse_fixed_hex<32>(text, "address"); }
Result<Signature> parse_signature(std::string_view text) { return parse_fixed_hex<64>(text, "signature"); }

// ---- KeyStore ----------------------------------------------------------------------------------

std::filesystem::path KeyStore::path_of(std::string_view name) const { return dir_ / (std::string(name) + ".json"); }

bool KeyStore::valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<KeyPair> KeyStore::create(std::string_view name) {
  KeyPair key = KeyPair::generate();
  Status s = add(name, key);
  if (!s) return std::move(s).error();
  return key;
}

Status KeyStore::add(std::string_view name, const KeyPair& key) {
  if (!valid_name(name)) {
    return error(ErrorCode::InvalidArgument,
                 "invalid key name \"" + std::string(name) + "\": use 1 to 64 letters, digits, '_' or '-'");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return error(ErrorCode::Io, "cannot create the key folder " + quoted(dir_) + ": " + ec.message());
  const std::filesystem::path target = path_of(name);
  if (std::filesystem::exists(target, ec)) {
    return error(ErrorCode::AlreadyExists,
                 "key \"" + std::string(name) + "\" already exists (" + quoted(target) + "); refusing to overwrite it");
  }

  Seed seed = key.seed();
  std::string text =
      nlohmann::json{{"name", std::string(name)}, {"public_key", hex(key.public_key())}, {"seed", hex(seed)}}.dump(2) +
      "\n";
  // Write a temporary file (mkstemp: mode 0600), sync it, then link() it to its name: link fails
  // with EEXIST instead of replacing, so a key is never overwritten and never seen half-written.
  std::string tmp = (dir_ / ("." + std::string(name) + ".json.tmp-XXXXXX")).string();
  auto wipe = [&] {
    sodium_memzero(text.data(), text.size());
    sodium_memzero(seed.data(), seed.size());
  };
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    const int err = errno;
    wipe();
    return error(ErrorCode::Io, "cannot create a file in " + quoted(dir_) + ": " + errno_text(err));
  }
  ::fchmod(fd, S_IRUSR | S_IWUSR);
  size_t written = 0;
  int err = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    written += static_cast<size_t>(n);
  }
  wipe();
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::link(tmp.c_str(), target.c_str()) != 0) err = errno;
  ::unlink(tmp.c_str());
  if (err == EEXIST) {
    return error(ErrorCode::AlreadyExists,
                 "key \"" + std::string(name) + "\" already exists (" + quoted(target) + "); refusing to overwrite it");
  }
  if (err != 0) return error(ErrorCode::Io, "cannot write " + quoted(target) + ": " + errno_text(err));
  // Make the new name durable.
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

Result<KeyPair> KeyStore::load(std::string_view name) const {
  if (!valid_name(name)) {
    return error(ErrorCode::InvalidArgument,
                 "invalid key name \"" + std::string(name) + "\": use 1 to 64 letters, digits, '_' or '-'");
  }
  const std::filesystem::path file = path_of(name);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return error(ErrorCode::NotFound,
                 "key \"" + std::string(name) + "\" not found: " + quoted(file) + " does not exist");
  }
  constexpr uintmax_t kMaxKeyFileSize = 64 * 1024;
  const uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) return error(ErrorCode::Io, "cannot read " + quoted(file) + ": " + ec.message());
  if (size > kMaxKeyFileSize) {
    return error(ErrorCode::Corrupt,
                 "key file " + quoted(file) + " is corrupt: " + std::to_string(size) + " bytes is too large for a key");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) return error(ErrorCode::Io, "cannot read " + quoted(file));
  std::string text = buffer.str();

  auto corrupt = [&](const std::string& why) {
    return error(ErrorCode::Corrupt, "key file " + quoted(file) + " is corrupt: " + why);
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  sodium_memzero(text.data(), text.size());
  if (j.is_discarded()) return corrupt("not valid JSON");
  if (!j.is_object()) return corrupt("expected a JSON object");
  auto field = [&](const char* key) -> const std::string* {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
  };
  const std::string* stored_name = field("name");
  const std::string* public_hex = field("public_key");
  const std::string* seed_hex = field("seed");
  if (stored_name == nullptr) return corrupt("missing string field \"name\"");
  if (public_hex == nullptr) return corrupt("missing string field \"public_key\"");
  if (seed_hex == nullptr) return corrupt("missing string field \"seed\"");
  if (*stored_name != name) {
    return corrupt("it holds the key named \"" + *stored_name + "\", not \"" + std::string(name) + "\"");
  }
  auto public_key = parse_party(*public_hex);
  if (!public_key) return corrupt("\"public_key\": " + public_key.error().message);
  // The seed's own text is never echoed in an error.
  auto seed_bytes = from_hex(*seed_hex);
  if (!seed_bytes || seed_bytes->size() != 32) return corrupt("\"seed\" must be 64 hex digits");
  Seed seed{};
  std::copy(seed_bytes->begin(), seed_bytes->end(), seed.begin());
  sodium_memzero(seed_bytes->data(), seed_bytes->size());
  if (auto* s = j["seed"].get_ptr<std::string*>()) sodium_memzero(s->data(), s->size());
  KeyPair key = KeyPair::from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (key.public_key() != *public_key) {
    return corrupt("\"public_key\" " + *public_hex + " does not match the seed (which gives " + hex(key.public_key()) +
                   ")");
  }
  return key;
}

Result<std::vector<std::string>> KeyStore::list() const {
  std::vector<std::string> names;
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return names;
  std::filesystem::directory_iterator it(dir_, ec), end;
  if (ec) return error(ErrorCode::Io, "cannot list " + quoted(dir_) + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    if (p.extension() != ".json") continue;
    std::string stem = p.stem().string();
    if (valid_name(stem)) names.push_back(std::move(stem));
  }
  if (ec) return error(ErrorCode::Io, "cannot list " + quoted(dir_) + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tenor::sdk
