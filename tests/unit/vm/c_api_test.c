/* The C API (tenor/tenor_vm.h) end to end, from C: an in-memory world implements the host
 * callbacks, a small contract echoes its input and stores it, and every outcome of a call is
 * checked (ok, revert, trap, out of gas, refused, a failing host), plus module load errors.
 * Plain C11: its own main() and assertion macros that print file:line and exit non-zero. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenor/tenor_vm.h"

/* ---- assertions --------------------------------------------------------------------------- */

static int checks_run = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++checks_run;                                                              \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_EQ(a, b)                                                                                           \
  do {                                                                                                           \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);                                              \
    ++checks_run;                                                                                                \
    if (check_a_ != check_b_) {                                                                                  \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, check_a_, \
          check_b_);                                                                                             \
      exit(1);                                                                                                   \
    }                                                                                                            \
  } while (0)

/* The result has this status; on failure prints the result's message too. */
#define CHECK_STATUS(r, want)                                                                                   \
  do {                                                                                                          \
    ++checks_run;                                                                                               \
    if ((r).status != (want)) {                                                                                 \
      fprintf(stderr, "%s:%d: status %s, expected %s (message: \"%s\", trap %s)\n", __FILE__, __LINE__,         \
          tenor_status_name((r).status), tenor_status_name(want), (r).message, tenor_trap_name((r).trap_code)); \
      exit(1);                                                                                                  \
    }                                                                                                           \
  } while (0)

/* The bytes [p, p + n) equal the NUL-terminated string s. */
#define CHECK_BYTES(p, n, s)                                                                    \
  do {                                                                                          \
    ++checks_run;                                                                               \
    if ((n) != strlen(s) || ((n) != 0 && memcmp((p), (s), (n)) != 0)) {                         \
      fprintf(stderr, "%s:%d: bytes \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__, (int)(n), \
          (p) ? (const char*)(p) : "", (s));                                                    \
      exit(1);                                                                                  \
    }                                                                                           \
  } while (0)

/* ---- the contract ----------------------------------------------------------------------------
 * Generated with tests/unit/vm/wasm_builder.hpp; the equivalent WAT:
 *
 * (module
 *   (import "tenor" "input_size"   (func $input_size (result i32)))
 *   (import "tenor" "input_read"   (func $input_read (param i32 i32 i32)))
 *   (import "tenor" "output_write" (func $output_write (param i32 i32)))
 *   (import "tenor" "revert"       (func $revert (param i32 i32)))
 *   (import "tenor" "storage_set"  (func $storage_set (param i32 i32 i32 i32)))
 *   (import "tenor" "storage_get"  (func $storage_get (param i32 i32 i32 i32) (result i64)))
 *   (memory (export "memory") 1 1)
 *   (data (i32.const 0) "k")
 *   (data (i32.const 16) "bad input")
 *   ;; Reads the input to 1024. "g": returns the value stored under "k". Otherwise stores the
 *   ;; input under "k", then "r...": reverts with "bad input"; "u...": traps (unreachable);
 *   ;; anything else: returns the input.
 *   (func (export "tenor_entry") (local $n i32) (local $first i32)
 *     (local.set $n (call $input_size))
 *     (call $input_read (i32.const 1024) (i32.const 0) (local.get $n))
 *     (local.set $first (i32.load8_u (i32.const 1024)))
 *     (if (i32.eq (local.get $first) (i32.const 103))          ;; 'g'
 *       (then
 *         (call $output_write (i32.const 2048)
 *           (i32.wrap_i64 (call $storage_get (i32.const 0) (i32.const 1) (i32.const 2048)
 *                                            (i32.const 1024))))
 *         (return)))
 *     (call $storage_set (i32.const 0) (i32.const 1) (i32.const 1024) (local.get $n))
 *     (if (i32.eq (local.get $first) (i32.const 114))          ;; 'r'
 *       (then (call $revert (i32.const 16) (i32.const 9))))
 *     (if (i32.eq (local.get $first) (i32.const 117))          ;; 'u'
 *       (then unreachable))
 *     (call $output_write (i32.const 1024) (local.get $n)))
 *   (func (export "spin") (loop $l (br $l))))
 */
// clang-format off
static const uint8_t kContract[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x22, 0x06, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7f,
    0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f,
    0x7f, 0x01, 0x7e, 0x60, 0x00, 0x00, 0x02, 0x73, 0x06, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0a, 0x69, 0x6e, 0x70,
    0x75, 0x74, 0x5f, 0x73, 0x69, 0x7a, 0x65, 0x00, 0x00, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0a, 0x69, 0x6e, 0x70,
    0x75, 0x74, 0x5f, 0x72, 0x65, 0x61, 0x64, 0x00, 0x01, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0c, 0x6f, 0x75, 0x74,
    0x70, 0x75, 0x74, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x00, 0x02, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x06, 0x72,
    0x65, 0x76, 0x65, 0x72, 0x74, 0x00, 0x02, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0b, 0x73, 0x74, 0x6f, 0x72, 0x61,
    0x67, 0x65, 0x5f, 0x73, 0x65, 0x74, 0x00, 0x03, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0b, 0x73, 0x74, 0x6f, 0x72,
    0x61, 0x67, 0x65, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x04, 0x03, 0x03, 0x02, 0x05, 0x05, 0x05, 0x04, 0x01, 0x01, 0x01,
    0x01, 0x07, 0x1f, 0x03, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x0b, 0x74, 0x65, 0x6e, 0x6f, 0x72,
    0x5f, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x06, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x07, 0x0c, 0x01, 0x02, 0x0a,
    0x6a, 0x02, 0x60, 0x01, 0x02, 0x7f, 0x10, 0x00, 0x21, 0x00, 0x41, 0x80, 0x08, 0x41, 0x00, 0x20, 0x00, 0x10, 0x01,
    0x41, 0x80, 0x08, 0x2d, 0x00, 0x00, 0x21, 0x01, 0x20, 0x01, 0x41, 0xe7, 0x00, 0x46, 0x04, 0x40, 0x41, 0x80, 0x10,
    0x41, 0x00, 0x41, 0x01, 0x41, 0x80, 0x10, 0x41, 0x80, 0x08, 0x10, 0x05, 0xa7, 0x10, 0x02, 0x0f, 0x0b, 0x41, 0x00,
    0x41, 0x01, 0x41, 0x80, 0x08, 0x20, 0x00, 0x10, 0x04, 0x20, 0x01, 0x41, 0xf2, 0x00, 0x46, 0x04, 0x40, 0x41, 0x10,
    0x41, 0x09, 0x10, 0x03, 0x0b, 0x20, 0x01, 0x41, 0xf5, 0x00, 0x46, 0x04, 0x40, 0x00, 0x0b, 0x41, 0x80, 0x08, 0x20,
    0x00, 0x10, 0x02, 0x0b, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x0b, 0x15, 0x02, 0x00, 0x41, 0x00, 0x0b,
    0x01, 0x6b, 0x00, 0x41, 0x10, 0x0b, 0x09, 0x62, 0x61, 0x64, 0x20, 0x69, 0x6e, 0x70, 0x75, 0x74,
};
// clang-format on

/* ---- an in-memory world -------------------------------------------------------------------
 * Fixed-size arrays, so that a checkpoint is a copy of the whole state (struct assignment) and a
 * rollback restores one. Storage values longer than kMaxValue make storage_set fail, which tests a
 * failing host. */

enum { kMaxEntries = 16, kMaxKey = 32, kMaxValue = 256, kMaxCheckpoints = 32, kMaxContracts = 4 };

typedef struct {
  uint8_t contract[32];
  uint8_t key[kMaxKey];
  size_t key_len;
  uint8_t value[kMaxValue];
  size_t value_len;
} kv_entry;

typedef struct {
  kv_entry entries[kMaxEntries];
  size_t count;
  size_t events;
} state;

typedef struct {
  state now;
  state checkpoints[kMaxCheckpoints];
  size_t checkpoint_count;
  /* Deployed contracts: address -> code hash; one code blob per contract. */
  uint8_t addresses[kMaxContracts][32];
  uint8_t hashes[kMaxContracts][32];
  const uint8_t* codes[kMaxContracts];
  size_t code_lens[kMaxContracts];
  size_t contracts;
  int code_calls; /* how often the engine asked for code */
  /* When set, storage_set calls tenor_execute on this engine (re-entry) and keeps the status. */
  tenor_engine* reenter;
  int32_t reenter_status;
} world;

static tenor_host make_host(void);

static kv_entry* find_entry(state* s, const uint8_t contract[32], const uint8_t* key, size_t key_len) {
  size_t i;
  for (i = 0; i < s->count; ++i) {
    kv_entry* e = &s->entries[i];
    if (memcmp(e->contract, contract, 32) == 0 && e->key_len == key_len && memcmp(e->key, key, key_len) == 0) return e;
  }
  return NULL;
}

static int w_code_hash(void* ctx, const uint8_t address[32], uint8_t out_hash[32]) {
  world* w = ctx;
  size_t i;
  for (i = 0; i < w->contracts; ++i) {
    if (memcmp(w->addresses[i], address, 32) == 0) {
      memcpy(out_hash, w->hashes[i], 32);
      return 1;
    }
  }
  return 0;
}

static int w_code(void* ctx, const uint8_t hash[32], tenor_buffer* out) {
  world* w = ctx;
  size_t i;
  ++w->code_calls;
  for (i = 0; i < w->contracts; ++i)
    if (memcmp(w->hashes[i], hash, 32) == 0) return tenor_buffer_set(out, w->codes[i], w->code_lens[i]) == 0 ? 1 : -1;
  return 0;
}

static int w_storage_get(
    void* ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len, tenor_buffer* out_value) {
  world* w = ctx;
  kv_entry* e = find_entry(&w->now, contract, key, key_len);
  if (e == NULL) return 0;
  return tenor_buffer_set(out_value, e->value, e->value_len) == 0 ? 1 : -1;
}

static int w_storage_set(
    void* ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len, const uint8_t* value, size_t value_len) {
  world* w = ctx;
  kv_entry* e;
  if (key_len > kMaxKey || value_len > kMaxValue) return -1;
  if (w->reenter != NULL) {
    static const uint8_t kSelf[32] = {0xC0, 0x17, 0xAC, 0x70};
    tenor_host host = make_host();
    tenor_result r = tenor_execute(w->reenter, &host, w, NULL, kSelf, NULL, 0, 1000000, NULL);
    w->reenter_status = r.status;
    tenor_result_release(&r);
  }
  e = find_entry(&w->now, contract, key, key_len);
  if (e == NULL) {
    if (w->now.count == kMaxEntries) return -1;
    e = &w->now.entries[w->now.count++];
    memcpy(e->contract, contract, 32);
    memcpy(e->key, key, key_len);
    e->key_len = key_len;
  }
  memcpy(e->value, value, value_len);
  e->value_len = value_len;
  return 0;
}

static int w_storage_remove(void* ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len) {
  world* w = ctx;
  kv_entry* e = find_entry(&w->now, contract, key, key_len);
  if (e == NULL) return 0;
  *e = w->now.entries[--w->now.count];
  return 1;
}

/* Unsigned byte order: negative when a < b. */
static int compare_keys(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len) {
  size_t n = a_len < b_len ? a_len : b_len;
  int c = n == 0 ? 0 : memcmp(a, b, n);
  if (c != 0) return c;
  return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

static int w_storage_next(void* ctx, const uint8_t contract[32], const uint8_t* prefix, size_t prefix_len,
    int has_after, const uint8_t* after, size_t after_len, tenor_buffer* out_key) {
  world* w = ctx;
  const kv_entry* best = NULL;
  size_t i;
  for (i = 0; i < w->now.count; ++i) {
    const kv_entry* e = &w->now.entries[i];
    if (memcmp(e->contract, contract, 32) != 0) continue;
    if (e->key_len < prefix_len || (prefix_len != 0 && memcmp(e->key, prefix, prefix_len) != 0)) continue;
    if (has_after && compare_keys(e->key, e->key_len, after, after_len) <= 0) continue;
    if (best == NULL || compare_keys(e->key, e->key_len, best->key, best->key_len) < 0) best = e;
  }
  if (best == NULL) return 0;
  return tenor_buffer_set(out_key, best->key, best->key_len) == 0 ? 1 : -1;
}

static int w_emit_event(void* ctx, const uint8_t contract[32], const uint8_t* topic, size_t topic_len,
    const uint8_t* data, size_t data_len) {
  world* w = ctx;
  (void)contract, (void)topic, (void)topic_len, (void)data, (void)data_len;
  ++w->now.events;
  return 0;
}

static int w_checkpoint(void* ctx, uint64_t* out_checkpoint) {
  world* w = ctx;
  if (w->checkpoint_count == kMaxCheckpoints) return -1;
  w->checkpoints[w->checkpoint_count] = w->now;
  *out_checkpoint = w->checkpoint_count++;
  return 0;
}

static int w_rollback(void* ctx, uint64_t checkpoint) {
  world* w = ctx;
  if (checkpoint >= w->checkpoint_count) return -1;
  w->now = w->checkpoints[checkpoint];
  w->checkpoint_count = (size_t)checkpoint + 1; /* those taken after it are discarded */
  return 0;
}

/* What a node does between transactions: the changes so far are final. */
static void commit(world* w) { w->checkpoint_count = 0; }

static tenor_host make_host(void) {
  tenor_host h;
  memset(&h, 0, sizeof h);
  h.size = sizeof h;
  h.code_hash = w_code_hash;
  h.code = w_code;
  h.storage_get = w_storage_get;
  h.storage_set = w_storage_set;
  h.storage_remove = w_storage_remove;
  h.storage_next = w_storage_next;
  h.emit_event = w_emit_event;
  h.checkpoint = w_checkpoint;
  h.rollback = w_rollback;
  return h;
}

/* The value stored under "k" by contract `address`, or NULL. */
static const kv_entry* stored_k(world* w, const uint8_t address[32]) {
  return find_entry(&w->now, address, (const uint8_t*)"k", 1);
}

/* ---- the tests ------------------------------------------------------------------------------ */

static const uint8_t kAddress[32] = {0xC0, 0x17, 0xAC, 0x70};
static const uint8_t kUnknown[32] = {0xDE, 0xAD};
static const uint64_t kGas = 10000000;

static world the_world;

static tenor_result run(tenor_engine* engine, const char* input, uint64_t gas, const char* entry) {
  tenor_host host = make_host();
  tenor_tx tx;
  static const uint8_t signer[32] = {7};
  tenor_result r;
  memset(&tx, 0, sizeof tx);
  tx.size = sizeof tx;
  tx.chain_id = "tenor-test";
  tx.chain_id_len = strlen(tx.chain_id);
  tx.block_height = 42;
  tx.block_time = 1700000000;
  memcpy(tx.sender, signer, 32);
  tx.signers = signer;
  tx.signer_count = 1;
  r = tenor_execute(engine, &host, &the_world, &tx, kAddress, (const uint8_t*)input, strlen(input), gas, entry);
  commit(&the_world);
  return r;
}

static void test_version_and_names(void) {
  CHECK_EQ(tenor_vm_abi_version(), TENOR_VM_ABI_VERSION);
  CHECK(strcmp(tenor_status_name(TENOR_OK), "ok") == 0);
  CHECK(strcmp(tenor_status_name(TENOR_OUT_OF_GAS), "out of gas") == 0);
  CHECK(strcmp(tenor_status_name(99), "unknown") == 0);
  CHECK(strcmp(tenor_trap_name(TENOR_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO), "IntegerDivideByZero") == 0);
  CHECK(strcmp(tenor_trap_name(TENOR_TRAP_CODE_REENTRANCY), "Reentrancy") == 0);
  CHECK(strcmp(tenor_trap_name(TENOR_TRAP_CODE_ABORT), "Abort") == 0);
  CHECK(strcmp(tenor_trap_name(TENOR_TRAP_CODE_ABORT + 1), "unknown") == 0);
  CHECK(strcmp(tenor_trap_name(-1), "unknown") == 0);
}

static void test_config(void) {
  tenor_config cfg;
  tenor_engine* engine;
  tenor_config_init(&cfg);
  CHECK_EQ(cfg.size, sizeof cfg);
  CHECK_EQ(cfg.max_memory_pages, 256);
  CHECK_EQ(cfg.max_call_depth, 10000);
  cfg.max_call_depth = 0;
  CHECK(tenor_engine_create(&cfg) == NULL);
  tenor_config_init(&cfg);
  cfg.max_memory_pages = 65537;
  CHECK(tenor_engine_create(&cfg) == NULL);
  /* A config from an older header: only the fields within `size` are read. */
  tenor_config_init(&cfg);
  cfg.size = (uint32_t)(offsetof(tenor_config, max_call_depth) + sizeof cfg.max_call_depth);
  cfg.value_stack_slots = 0; /* beyond size: ignored */
  engine = tenor_engine_create(&cfg);
  CHECK(engine != NULL);
  tenor_engine_destroy(engine);
  tenor_engine_destroy(NULL);
}

static void test_load_errors(tenor_engine* engine) {
  static const uint8_t kTruncated[] = {0x00, 0x61, 0x73};
  static const uint8_t kEmptyModule[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  static const uint8_t kUnknownImport[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
      0x00, 0x02, 0x1a, 0x01, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x10, 0x6e, 0x6f, 0x5f, 0x73, 0x75, 0x63, 0x68, 0x5f,
      0x66, 0x75, 0x6e, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x04, 0x01, 0x01, 0x01,
      0x01, 0x07, 0x18, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x0b, 0x74, 0x65, 0x6e, 0x6f, 0x72,
      0x5f, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x01, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b};
  uint8_t hash[32];
  tenor_error err;
  tenor_error_init(&err);

  CHECK_EQ(tenor_module_load(engine, kTruncated, sizeof kTruncated, hash, &err), TENOR_ERROR_MALFORMED);
  CHECK_EQ(err.kind, TENOR_ERROR_MALFORMED);
  CHECK(err.message != NULL && strstr(err.message, "malformed") != NULL);
  tenor_error_clear(&err);
  CHECK_EQ(err.kind, TENOR_ERROR_NONE);
  CHECK(err.message == NULL);

  /* Valid WebAssembly, but no memory and no tenor_entry: not a contract. */
  CHECK_EQ(tenor_module_load(engine, kEmptyModule, sizeof kEmptyModule, hash, &err), TENOR_ERROR_PROFILE);
  CHECK_EQ(err.kind, TENOR_ERROR_PROFILE);
  CHECK(err.message != NULL && err.message[0] != '\0');
  tenor_error_clear(&err);

  /* A contract importing a host function that does not exist:
   * (module (import "tenor" "no_such_function" (func)) (memory (export "memory") 1 1)
   *         (func (export "tenor_entry") call 0)) */
  CHECK_EQ(tenor_module_load(engine, kUnknownImport, sizeof kUnknownImport, hash, &err), TENOR_ERROR_UNLINKABLE);
  CHECK(err.message != NULL && strstr(err.message, "no_such_function") != NULL);
  tenor_error_clear(&err);

  /* No error struct: only the return value. */
  CHECK_EQ(tenor_module_load(engine, kTruncated, sizeof kTruncated, NULL, NULL), TENOR_ERROR_MALFORMED);
  CHECK_EQ(tenor_module_load(NULL, kContract, sizeof kContract, NULL, &err), TENOR_ERROR_INTERNAL);
  tenor_error_clear(&err);
  tenor_error_clear(NULL);
}

static void deploy(tenor_engine* engine) {
  uint8_t hash[32], again[32];
  static const uint8_t kZero[32];
  tenor_error err;
  tenor_error_init(&err);
  CHECK_EQ(tenor_module_load(engine, kContract, sizeof kContract, hash, &err), TENOR_ERROR_NONE);
  CHECK_EQ(err.kind, TENOR_ERROR_NONE);
  CHECK(memcmp(hash, kZero, 32) != 0);
  /* Loading the same code again gives the same hash (a cache hit). */
  CHECK_EQ(tenor_module_load(engine, kContract, sizeof kContract, again, &err), TENOR_ERROR_NONE);
  CHECK(memcmp(hash, again, 32) == 0);
  memcpy(the_world.addresses[0], kAddress, 32);
  memcpy(the_world.hashes[0], hash, 32);
  the_world.codes[0] = kContract;
  the_world.code_lens[0] = sizeof kContract;
  the_world.contracts = 1;
}

/* Code offsets in kContract (relative to the code section's payload, the byte after its size):
 * tenor_entry is function 6 (after the 6 imports), spin function 7. */
enum { kEntryFunc = 6, kSpinFunc = 7, kRevertCallOffset = 77, kUnreachableOffset = 88, kSpinLoopOffset = 100 };

static void test_ok(tenor_engine* engine) {
  const kv_entry* k;
  uint32_t func = 123, offset = 456;
  tenor_result r = run(engine, "hello", kGas, NULL);
  CHECK_STATUS(r, TENOR_OK);
  CHECK_EQ(r.trap_code, -1);
  CHECK_EQ(tenor_result_trap_site(&r, &func, &offset), 0); /* no site, nothing written */
  CHECK_EQ(func, 123);
  CHECK_EQ(offset, 456);
  CHECK(r.gas_used > 0 && r.gas_used < kGas);
  CHECK_BYTES(r.output, r.output_size, "hello");
  CHECK(r.message != NULL && r.message[0] == '\0');
  tenor_result_release(&r);
  CHECK(r.output == NULL && r.output_size == 0 && r.message != NULL);
  tenor_result_release(&r); /* twice: harmless */

  k = stored_k(&the_world, kAddress);
  CHECK(k != NULL);
  CHECK_BYTES(k->value, k->value_len, "hello");

  /* The same contract reads it back through storage_get (a tenor_buffer the host filled). */
  r = run(engine, "g", kGas, "tenor_entry");
  CHECK_STATUS(r, TENOR_OK);
  CHECK_BYTES(r.output, r.output_size, "hello");
  tenor_result_release(&r);
}

static void test_revert(tenor_engine* engine) {
  const kv_entry* k;
  tenor_result r = run(engine, "rollback me", kGas, NULL);
  CHECK_STATUS(r, TENOR_REVERT);
  CHECK_BYTES(r.output, r.output_size, "bad input");
  CHECK(r.message != NULL && r.message[0] != '\0');
  CHECK(r.gas_used > 0);
  { /* the call of revert */
    uint32_t func = 0, offset = 0;
    CHECK_EQ(tenor_result_trap_site(&r, &func, &offset), 1);
    CHECK_EQ(func, kEntryFunc);
    CHECK_EQ(offset, kRevertCallOffset);
  }
  tenor_result_release(&r);
  /* The contract wrote "rollback me" before reverting: undone. */
  k = stored_k(&the_world, kAddress);
  CHECK(k != NULL);
  CHECK_BYTES(k->value, k->value_len, "hello");
}

static void test_trap(tenor_engine* engine) {
  const kv_entry* k;
  tenor_result r = run(engine, "unreachable", kGas, NULL);
  CHECK_STATUS(r, TENOR_TRAP);
  CHECK_EQ(r.trap_code, TENOR_TRAP_CODE_UNREACHABLE);
  CHECK(strstr(r.message, "unreachable") != NULL);
  {
    uint32_t func = 0, offset = 0;
    CHECK_EQ(tenor_result_trap_site(&r, &func, &offset), 1);
    CHECK_EQ(func, kEntryFunc);
    CHECK_EQ(offset, kUnreachableOffset);
    CHECK_EQ(tenor_result_trap_site(&r, NULL, NULL), 1); /* either pointer may be NULL */
  }
  tenor_result_release(&r);
  CHECK_EQ(tenor_result_trap_site(&r, NULL, NULL), 0); /* released: no site */
  CHECK_EQ(tenor_result_trap_site(NULL, NULL, NULL), 0);
  k = stored_k(&the_world, kAddress);
  CHECK_BYTES(k->value, k->value_len, "hello");
}

static void test_out_of_gas(tenor_engine* engine) {
  const kv_entry* k;
  tenor_result r = run(engine, "xyz", 1, NULL);
  CHECK_STATUS(r, TENOR_OUT_OF_GAS);
  CHECK_EQ(r.gas_used, 1);
  CHECK_EQ(r.trap_code, TENOR_TRAP_CODE_OUT_OF_GAS);
  CHECK_EQ(tenor_result_trap_site(&r, NULL, NULL), 0); /* instantiation ran out: no code ran */
  tenor_result_release(&r);

  r = run(engine, "", 100000, "spin");
  CHECK_STATUS(r, TENOR_OUT_OF_GAS);
  CHECK_EQ(r.gas_used, 100000);
  { /* the loop header's block */
    uint32_t func = 0, offset = 0;
    CHECK_EQ(tenor_result_trap_site(&r, &func, &offset), 1);
    CHECK_EQ(func, kSpinFunc);
    CHECK_EQ(offset, kSpinLoopOffset);
  }
  tenor_result_release(&r);

  k = stored_k(&the_world, kAddress);
  CHECK_BYTES(k->value, k->value_len, "hello");
}

static void test_refused(tenor_engine* engine) {
  tenor_host host = make_host();
  tenor_result r = tenor_execute(engine, &host, &the_world, NULL, kUnknown, NULL, 0, kGas, NULL);
  CHECK_STATUS(r, TENOR_REFUSED);
  CHECK(r.message[0] != '\0');
  CHECK_EQ(r.gas_used, 0);
  tenor_result_release(&r);
  commit(&the_world);

  r = run(engine, "hello", kGas, "no_such_export");
  CHECK_STATUS(r, TENOR_REFUSED);
  CHECK(r.message[0] != '\0');
  tenor_result_release(&r);

  /* Bad arguments are refusals too, never crashes. */
  r = tenor_execute(engine, NULL, &the_world, NULL, kAddress, NULL, 0, kGas, NULL);
  CHECK_STATUS(r, TENOR_REFUSED);
  tenor_result_release(&r);
  host.storage_next = NULL;
  r = tenor_execute(engine, &host, &the_world, NULL, kAddress, NULL, 0, kGas, NULL);
  CHECK_STATUS(r, TENOR_REFUSED);
  CHECK(strstr(r.message, "callback") != NULL);
  tenor_result_release(&r);
}

static void test_host_failure(tenor_engine* engine) {
  /* More than kMaxValue bytes: the world's storage_set fails. */
  char big[kMaxValue + 2];
  const kv_entry* k;
  tenor_result r;
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  r = run(engine, big, kGas, NULL);
  CHECK_STATUS(r, TENOR_TRAP);
  CHECK_EQ(r.trap_code, TENOR_TRAP_CODE_HOST_TRAP);
  CHECK(strstr(r.message, "host callback storage_set failed") != NULL);
  tenor_result_release(&r);
  k = stored_k(&the_world, kAddress);
  CHECK_BYTES(k->value, k->value_len, "hello");
}

/* A callback calling back into the engine that is running it is refused; the outer call goes on. */
static void test_reentry(tenor_engine* engine) {
  tenor_result r;
  the_world.reenter = engine;
  the_world.reenter_status = -1;
  r = run(engine, "again", kGas, NULL);
  the_world.reenter = NULL;
  CHECK_STATUS(r, TENOR_OK);
  CHECK_EQ(the_world.reenter_status, TENOR_REFUSED);
  tenor_result_release(&r);
}

/* An engine that has not loaded the code asks the host for it, once. */
static void test_code_from_host(void) {
  tenor_engine* fresh = tenor_engine_create(NULL);
  tenor_result r;
  CHECK(fresh != NULL);
  the_world.code_calls = 0;
  r = run(fresh, "again", kGas, NULL);
  CHECK_STATUS(r, TENOR_OK);
  CHECK_BYTES(r.output, r.output_size, "again");
  tenor_result_release(&r);
  r = run(fresh, "g", kGas, NULL);
  CHECK_STATUS(r, TENOR_OK);
  CHECK_BYTES(r.output, r.output_size, "again");
  /* The result outlives the engine. */
  tenor_engine_destroy(fresh);
  CHECK_BYTES(r.output, r.output_size, "again");
  tenor_result_release(&r);
  CHECK_EQ(the_world.code_calls, 1);
}

int main(void) {
  tenor_engine* engine;
  test_version_and_names();
  test_config();
  engine = tenor_engine_create(NULL);
  CHECK(engine != NULL);
  test_load_errors(engine);
  deploy(engine);
  test_ok(engine);
  test_revert(engine);
  test_trap(engine);
  test_out_of_gas(engine);
  test_refused(engine);
  test_host_failure(engine);
  test_reentry(engine);
  tenor_engine_destroy(engine);
  test_code_from_host();
  printf("c_api_test: %d checks passed\n", checks_run);
  return 0;
}
