// Ed25519 keys against the RFC 8032 test vectors, hex parsing, and the KeyStore's files.
#include "tenor/sdk/keys.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sdk_test_support.hpp"

namespace tenor::sdk {
namespace {

using test_support::seed_of;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

// RFC 8032 section 7.1, TEST 1 and TEST 2.
constexpr std::string_view kSeed1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view kPublic1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr std::string_view kSigEmpty1 =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
    "655141438e7a100b";
constexpr std::string_view kSeed2 = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr std::string_view kPublic2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
constexpr std::string_view kSig72_2 =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302a"
    "eeb00d291612bb0c00";

TEST(KeyPair, FromSeedMatchesRfc8032Test1) {
  const KeyPair k = KeyPair::from_seed(seed_of(kSeed1));
  EXPECT_EQ(hex(k.public_key()), kPublic1);
  const Signature sig = k.sign({});
  EXPECT_EQ(hex(sig), kSigEmpty1);
  EXPECT_TRUE(verify(k.public_key(), {}, sig));
  EXPECT_EQ(hex(k.seed()), kSeed1);
}

TEST(KeyPair, FromSeedMatchesRfc8032Test2) {
  const KeyPair k = KeyPair::from_seed(seed_of(kSeed2));
  EXPECT_EQ(hex(k.public_key()), kPublic2);
  const Bytes msg = {0x72};
  EXPECT_EQ(hex(k.sign(msg)), kSig72_2);
}

TEST(KeyPair, FromSeedIsDeterministic) {
  const KeyPair a = KeyPair::from_seed(seed_of(kSeed2));
  const KeyPair b = KeyPair::from_seed(seed_of(kSeed2));
  EXPECT_EQ(a.public_key(), b.public_key());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.sign(bytes_of("x")), b.sign(bytes_of("x")));
}

TEST(KeyPair, GenerateGivesDistinctWorkingKeys) {
  const KeyPair a = KeyPair::generate();
  const KeyPair b = KeyPair::generate();
  EXPECT_NE(a.public_key(), b.public_key());
  EXPECT_FALSE(a == b);
  const Bytes msg = bytes_of("assign invoice 42 to factor");
  const Signature sig = a.sign(msg);
  EXPECT_TRUE(verify(a.public_key(), msg, sig));
  EXPECT_FALSE(verify(b.public_key(), msg, sig));
  EXPECT_EQ(KeyPair::from_seed(a.seed()).public_key(), a.public_key());
}

TEST(KeyPair, TamperedSignatureOrMessageDoesNotVerify) {
  const KeyPair k = KeyPair::from_seed(seed_of(kSeed1));
  const Bytes msg = bytes_of("pay 100 to seller");
  const Signature sig = k.sign(msg);
  ASSERT_TRUE(verify(k.public_key(), msg, sig));
  for (size_t i : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
    Signature bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(verify(k.public_key(), msg, bad)) << "byte " << i;
  }
  Bytes other = msg;
  other.back() ^= 0x01;
  EXPECT_FALSE(verify(k.public_key(), other, sig));
  EXPECT_FALSE(verify(k.public_key(), bytes_of("pay 100 to seller!"), sig));
  Party wrong = k.public_key();
  wrong[0] ^= 0x01;
  EXPECT_FALSE(verify(wrong, msg, sig));
}

TEST(KeyPair, ToStringShowsThePublicKeyOnly) {
  const KeyPair k = KeyPair::from_seed(seed_of(kSeed1));
  EXPECT_EQ(k.to_string(), "KeyPair(public_key=" + std::string(kPublic1) + ")");
  std::ostringstream os;
  os << k;
  EXPECT_EQ(os.str(), k.to_string());
  EXPECT_EQ(os.str().find(kSeed1), std::string::npos);
}

TEST(Hex, RoundTripsAndRejects) {
  const Bytes b = {0x00, 0x7f, 0xab, 0xff};
  EXPECT_EQ(hex(b), "007fabff");
  EXPECT_EQ(from_hex("007fabff"), b);
  EXPECT_EQ(from_hex("007FABFF"), b);
  EXPECT_EQ(from_hex(""), Bytes{});
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_FALSE(from_hex("0x00").has_value());
}

TEST(Hex, ParsePartyAndFriends) {
  auto p = parse_party(kPublic1);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(hex(*p), kPublic1);

  auto short_party = parse_party("abcdef0123");
  ASSERT_FALSE(short_party);
  EXPECT_EQ(short_party.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(short_party.error().message, "party must be 64 hex digits (32 bytes), got 10 characters");

  auto not_hex = parse_address(std::string(63, '0') + "g");
  ASSERT_FALSE(not_hex);
  EXPECT_EQ(not_hex.error().message, "address must be hex digits (0-9, a-f), got \"" + std::string(63, '0') + "g\"");

  auto sig = parse_signature(kSigEmpty1);
  ASSERT_TRUE(sig);
  EXPECT_EQ(hex(*sig), kSigEmpty1);
  EXPECT_FALSE(parse_signature(kPublic1));
}

// ---- KeyStore ------------------------------------------------------------------------------------

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::test_dir("tenor-keystore-test"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_file(const std::string& name, const std::string& content) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / name) << content;
  }

  std::filesystem::path dir_;
};

TEST_F(KeyStoreTest, CreateThenLoadGivesTheSameKey) {
  KeyStore store(dir_ / "keys");
  auto created = store.create("seller");
  ASSERT_TRUE(created) << created.error().to_string();
  auto loaded = store.load("seller");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(*loaded, *created);
  EXPECT_EQ(loaded->public_key(), created->public_key());
}

TEST_F(KeyStoreTest, FilesAreJsonWithMode0600) {
  KeyStore store(dir_);
  const KeyPair k = KeyPair::from_seed(seed_of(kSeed1));
  ASSERT_TRUE(store.add("alice", k));
  const auto path = store.path_of("alice");
  EXPECT_EQ(path, dir_ / "alice.json");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"name\": \"alice\""), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("\"public_key\": \"" + std::string(kPublic1) + "\""), std::string::npos);
  EXPECT_NE(text.str().find("\"seed\": \"" + std::string(kSeed1) + "\""), std::string::npos);
  // No temporary files are left behind.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(KeyStoreTest, RefusesToOverwrite) {
  KeyStore store(dir_);
  auto first = store.create("factor");
  ASSERT_TRUE(first);
  auto second = store.create("factor");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::AlreadyExists);
  EXPECT_NE(second.error().message.find("factor.json"), std::string::npos) << second.error().message;
  Status again = store.add("factor", KeyPair::generate());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::AlreadyExists);
  auto loaded = store.load("factor");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, *first);
}

TEST_F(KeyStoreTest, ListIsSortedAndIgnoresOtherFiles) {
  KeyStore store(dir_);
  auto empty = store.list();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  for (const char* name : {"seller", "Bank-2", "factor", "a_b"}) ASSERT_TRUE(store.create(name));
  write_file("notes.txt", "hello");
  write_file(".hidden.json", "{}");
  write_file("bad name.json", "{}");
  auto names = store.list();
  ASSERT_TRUE(names) << names.error().to_string();
  EXPECT_EQ(*names, (std::vector<std::string>{"Bank-2", "a_b", "factor", "seller"}));
}

TEST_F(KeyStoreTest, NamesAreValidated) {
  EXPECT_TRUE(KeyStore::valid_name("a"));
  EXPECT_TRUE(KeyStore::valid_name(std::string(64, 'x')));
  EXPECT_TRUE(KeyStore::valid_name("Seller_01-b"));
  EXPECT_FALSE(KeyStore::valid_name(""));
  EXPECT_FALSE(KeyStore::valid_name(std::string(65, 'x')));
  EXPECT_FALSE(KeyStore::valid_name("../etc"));
  EXPECT_FALSE(KeyStore::valid_name("a.b"));
  EXPECT_FALSE(KeyStore::valid_name("a b"));
  KeyStore store(dir_);
  auto bad = store.create("../escape");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_.parent_path() / "escape.json"));
  auto load_bad = store.load("a/b");
  ASSERT_FALSE(load_bad);
  EXPECT_EQ(load_bad.error().code, ErrorCode::InvalidArgument);
}

TEST_F(KeyStoreTest, MissingKeyIsNotFoundNamingTheFile) {
  KeyStore store(dir_);
  auto k = store.load("nobody");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, ErrorCode::NotFound);
  EXPECT_NE(k.error().message.find((dir_ / "nobody.json").string()), std::string::npos) << k.error().message;
}

TEST_F(KeyStoreTest, CorruptFilesAreClearErrorsNamingTheFile) {
  const std::string good_pub(kPublic1);
  const std::string good_seed(kSeed1);
  struct Case {
    std::string content;
    std::string expect;  // a fragment of the message
  };
  const std::vector<Case> cases = {
      {"{not json", "not valid JSON"},
      {"", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {R"({"public_key": ")" + good_pub + R"(", "seed": ")" + good_seed + "\"}", "missing string field \"name\""},
      {R"({"name": "k", "seed": ")" + good_seed + "\"}", "missing string field \"public_key\""},
      {R"({"name": "k", "public_key": ")" + good_pub + "\"}", "missing string field \"seed\""},
      {R"({"name": "k", "public_key": ")" + good_pub + R"(", "seed": 5})", "missing string field \"seed\""},
      {R"({"name": "other", "public_key": ")" + good_pub + R"(", "seed": ")" + good_seed + "\"}",
       "it holds the key named \"other\", not \"k\""},
      {R"({"name": "k", "public_key": "abcd", "seed": ")" + good_seed + "\"}",
       "\"public_key\": party must be 64 hex digits"},
      {R"({"name": "k", "public_key": ")" + good_pub + R"(", "seed": "zz"})", "\"seed\" must be 64 hex digits"},
      {R"({"name": "k", "public_key": ")" + std::string(kPublic2) + R"(", "seed": ")" + good_seed + "\"}",
       "does not match the seed"},
  };
  KeyStore store(dir_);
  for (const Case& c : cases) {
    write_file("k.json", c.content);
    auto k = store.load("k");
    ASSERT_FALSE(k) << c.content;
    EXPECT_EQ(k.error().code, ErrorCode::Corrupt) << c.content;
    EXPECT_NE(k.error().message.find((dir_ / "k.json").string()), std::string::npos) << k.error().message;
    EXPECT_NE(k.error().message.find(c.expect), std::string::npos) << k.error().message;
    // A corrupt file never gets its seed echoed back.
    EXPECT_EQ(k.error().message.find(good_seed), std::string::npos) << k.error().message;
  }
}

}  // namespace
}  // namespace tenor::sdk
