/*
 * The stable C API of the Tenor VM: what a node written in any language embeds to deploy and run
 * contracts. It wraps tenor::vm::ContractEngine (tenor/vm/contract.hpp); docs/c-api.md explains it
 * with a complete example.
 *
 *   tenor_engine* engine = tenor_engine_create(NULL);               one per thread
 *   uint8_t hash[32];
 *   tenor_error err;
 *   tenor_error_init(&err);
 *   if (tenor_module_load(engine, code, code_len, hash, &err) != 0)  at deployment
 *     reject(err.kind, err.message), tenor_error_clear(&err);
 *   tenor_result r = tenor_execute(engine, &host, my_world, &tx, address, input, input_len,
 *                                  gas_limit, NULL);                 every call
 *   ... r.status, r.gas_used, r.output[0, r.output_size), r.message ...
 *   tenor_result_release(&r);
 *   tenor_engine_destroy(engine);
 *
 * Rules of the interface (in the spirit of EVMC):
 *   - The header is C89 plus <stdint.h>: no bool (int, 0 = false), fixed-width integers, no C++
 *     types, every function extern "C".
 *   - The engine is an opaque handle; a loaded module is named by the SHA-256 of its code.
 *   - Memory is never freed across the boundary by the side that did not allocate it: results and
 *     errors own their text and bytes and are released by tenor_result_release / tenor_error_clear;
 *     the host hands variable-length data to the VM by copying it into a VM-owned tenor_buffer.
 *   - No C++ exception crosses the boundary.
 *   - Structs the caller fills (tenor_config, tenor_host, tenor_tx) and tenor_error start with a
 *     `size` field, set to sizeof(the struct) by the caller: a library built from a newer header
 *     reads only the fields within `size` and uses defaults for the rest, so appending fields is
 *     not a breaking change.
 *   - TENOR_VM_ABI_VERSION is bumped on any breaking change (a changed signature, a changed field,
 *     a renumbered constant); tenor_vm_abi_version() returns the version the library was built
 *     with, so a node can check at run time that it loaded the library it was compiled against.
 */
#ifndef TENOR_TENOR_VM_H
#define TENOR_TENOR_VM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TENOR_VM_ABI_VERSION 1

/* The TENOR_VM_ABI_VERSION the library was built with. */
uint32_t tenor_vm_abi_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes: the outcome of tenor_execute. Same numbers as tenor::vm::ExecStatus and the status
 * call_contract returns to a contract; they are consensus data: never renumbered.
 */
enum tenor_status {
  TENOR_OK = 0,
  TENOR_REVERT = 1,     /* the contract called revert(message); its state changes are undone */
  TENOR_TRAP = 2,       /* a WebAssembly or host trap; state changes undone */
  TENOR_OUT_OF_GAS = 3, /* gas_used == gas_limit; state changes undone */
  TENOR_REFUSED = 4     /* nothing ran: unknown contract, code that does not load or breaks the
                           contract profile, missing entry export, re-entry, bad arguments */
};

/* The name of a status ("ok", "revert", ...), or "unknown". Static storage. */
const char* tenor_status_name(int32_t status);

/* Trap codes (tenor/vm/traps.def): consensus data, never renumbered, only appended. */
enum tenor_trap_code {
  TENOR_TRAP_CODE_UNREACHABLE = 0,
  TENOR_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO = 1,
  TENOR_TRAP_CODE_INTEGER_OVERFLOW = 2,
  TENOR_TRAP_CODE_INVALID_CONVERSION = 3,
  TENOR_TRAP_CODE_MEMORY_OUT_OF_BOUNDS = 4,
  TENOR_TRAP_CODE_TABLE_OUT_OF_BOUNDS = 5,
  TENOR_TRAP_CODE_UNDEFINED_ELEMENT = 6,
  TENOR_TRAP_CODE_UNINITIALIZED_ELEMENT = 7,
  TENOR_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH = 8,
  TENOR_TRAP_CODE_CALL_STACK_EXHAUSTED = 9,
  TENOR_TRAP_CODE_VALUE_STACK_EXHAUSTED = 10,
  TENOR_TRAP_CODE_OUT_OF_GAS = 11,
  TENOR_TRAP_CODE_HOST_TRAP = 12,
  TENOR_TRAP_CODE_REVERT = 13,
  TENOR_TRAP_CODE_REENTRANCY = 14,
  TENOR_TRAP_CODE_ABORT = 15 /* the contract called abort(message); the message says why */
};

/* The stable identifier of a trap code ("IntegerDivideByZero"), or "unknown". Static storage. */
const char* tenor_trap_name(int32_t trap_code);

/* ---------------------------------------------------------------------------------------------
 * Errors of tenor_module_load.
 */
enum tenor_error_kind {
  TENOR_ERROR_NONE = 0,
  TENOR_ERROR_MALFORMED = 1,      /* not a well-formed binary module */
  TENOR_ERROR_INVALID = 2,        /* decoded, but fails WebAssembly validation */
  TENOR_ERROR_LIMIT = 3,          /* larger than the engine's limits allow */
  TENOR_ERROR_PROFILE = 4,        /* valid, but breaks the deterministic contract profile */
  TENOR_ERROR_UNLINKABLE = 5,     /* imports a host function that does not exist, or with
                                     another type */
  TENOR_ERROR_UNINSTANTIABLE = 6, /* a data or element segment does not fit */
  TENOR_ERROR_INTERNAL = 7        /* bad arguments, out of memory */
};

typedef struct tenor_error {
  uint32_t size;       /* sizeof(tenor_error); set by tenor_error_init */
  int32_t kind;        /* a tenor_error_kind; TENOR_ERROR_NONE when there is no error */
  char* message;       /* NUL-terminated, owned by the error (tenor_error_clear); NULL when none.
                          e.g. "invalid module: type mismatch: ... (section code, offset 0x1a)" */
  uint64_t offset;     /* byte offset in the module, or UINT64_MAX when not known */
  uint32_t func_index; /* function index, or UINT32_MAX when not known */
} tenor_error;

/* Empties an error: sets size, kind = TENOR_ERROR_NONE, message = NULL, unknown offset/index. */
void tenor_error_init(tenor_error* err);
/* Frees the message and empties the error (tenor_error_init). NULL is a no-op. */
void tenor_error_clear(tenor_error* err);

/* ---------------------------------------------------------------------------------------------
 * The engine: loads, caches and runs contracts. Gas metering is always on. Not thread-safe: use
 * one engine per thread (engines are independent and may run in parallel).
 */
typedef struct tenor_engine tenor_engine;

/* Consensus limits: every node of a chain must use the same values. */
typedef struct tenor_config {
  uint32_t size;                   /* sizeof(tenor_config); set by tenor_config_init */
  uint32_t max_call_depth;         /* wasm frames on the call stack; default 10000 */
  uint32_t value_stack_slots;      /* 8-byte slots for locals and operands; default 4194304 */
  uint32_t max_memory_pages;       /* most 64 KiB pages a contract may declare as its memory's
                                      maximum (contract profile); default 256, at most 65536 */
  uint32_t max_host_payload_bytes; /* bytes one host call may move; default 1048576 */
} tenor_config;

/* Fills every field with its default. */
void tenor_config_init(tenor_config* cfg);

/* A new engine with these limits (NULL: the defaults). NULL when the config is invalid (size too
 * small to hold `size`, a limit of 0, max_memory_pages above 65536) or memory runs out. */
tenor_engine* tenor_engine_create(const tenor_config* cfg);
/* Destroys the engine and its code cache. NULL is a no-op. Results and errors it returned stay
 * valid (they own their memory). */
void tenor_engine_destroy(tenor_engine* engine);

/* Loads code (decode, validate, translate with gas metering), checks the contract profile and
 * caches it by the SHA-256 of the code, written to out_hash (may be NULL). Deployment uses this to
 * reject bad code before storing it. Returns 0 on success, else the tenor_error_kind, with the
 * details in *err when err is not NULL (call tenor_error_clear on it afterwards). The cache is
 * bounded (least recently used entries go first): code that was evicted is asked of the host again
 * (tenor_host.code) when a call needs it. */
int tenor_module_load(tenor_engine* engine, const uint8_t* code, size_t code_len, uint8_t out_hash[32],
                      tenor_error* err);

/* ---------------------------------------------------------------------------------------------
 * The host: the world contracts see, implemented by the embedder as a table of callbacks. Every
 * callback gets the `host_ctx` given to tenor_execute first. Addresses and hashes are 32 bytes.
 *
 * Variable-length data goes to the VM through a tenor_buffer the VM owns and hands in: the callback
 * copies its bytes in with tenor_buffer_set, so no memory crosses allocators.
 *
 * Return values: 0 = done (or: absent), 1 = present (where noted), negative = the host failed
 * (storage unavailable, out of memory): the call stops with status TENOR_TRAP (trap code
 * TENOR_TRAP_CODE_HOST_TRAP) and its state changes are rolled back. A failing host must still
 * honour rollback.
 *
 * Storage is per contract (the VM passes the executing contract's address). Storage writes and
 * events are journaled: checkpoint() marks a point and rollback(cp) undoes every change made after
 * it; checkpoints nest like a stack (a rollback also discards the checkpoints taken after cp).
 *
 * Callbacks must not call tenor_execute on the same engine (contract-to-contract calls happen
 * inside the VM). Every pointer passed to a callback is valid only during that callback.
 */
typedef struct tenor_buffer tenor_buffer;

/* Replaces the buffer's contents with data[0, len) (data may be NULL when len is 0). Returns 0, or
 * -1 when memory runs out (the callback should then return -1 too). */
int tenor_buffer_set(tenor_buffer* buf, const uint8_t* data, size_t len);
/* Appends data[0, len) to the buffer. Returns 0, or -1 when memory runs out. */
int tenor_buffer_append(tenor_buffer* buf, const uint8_t* data, size_t len);

typedef struct tenor_host {
  uint32_t size; /* sizeof(tenor_host) */

  /* 1 and the SHA-256 of the code deployed at `address` in out_hash, or 0 when there is no
   * contract there. */
  int (*code_hash)(void* host_ctx, const uint8_t address[32], uint8_t out_hash[32]);
  /* 1 and the code with this hash in `out`, or 0 when unknown. Asked only when the engine's cache
   * does not hold the code. */
  int (*code)(void* host_ctx, const uint8_t hash[32], tenor_buffer* out);

  /* 1 and the value in `out_value`, or 0 when the key is absent. */
  int (*storage_get)(void* host_ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len,
                     tenor_buffer* out_value);
  /* Stores the value; 0. */
  int (*storage_set)(void* host_ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len,
                     const uint8_t* value, size_t value_len);
  /* Removes the key: 1 when it was present, else 0. */
  int (*storage_remove)(void* host_ctx, const uint8_t contract[32], const uint8_t* key, size_t key_len);
  /* 1 and, in out_key, the smallest key that starts with `prefix` and is greater than `after`
   * (keys compare as unsigned bytes; has_after == 0: no lower bound, `after` is then NULL), or 0
   * when there is none. */
  int (*storage_next)(void* host_ctx, const uint8_t contract[32], const uint8_t* prefix, size_t prefix_len,
                      int has_after, const uint8_t* after, size_t after_len, tenor_buffer* out_key);

  /* Records an event of the contract; 0. */
  int (*emit_event)(void* host_ctx, const uint8_t contract[32], const uint8_t* topic, size_t topic_len,
                    const uint8_t* data, size_t data_len);

  /* Marks a point in the journal, written to *out_checkpoint; 0. */
  int (*checkpoint)(void* host_ctx, uint64_t* out_checkpoint);
  /* Undoes every change made after the checkpoint; 0. */
  int (*rollback)(void* host_ctx, uint64_t checkpoint);
} tenor_host;

/* The transaction and block a call runs in. */
typedef struct tenor_tx {
  uint32_t size;        /* sizeof(tenor_tx) */
  const char* chain_id; /* UTF-8, chain_id_len bytes (NULL when 0) */
  size_t chain_id_len;
  uint64_t block_height;
  int64_t block_time;     /* seconds since 1970-01-01 UTC */
  uint8_t sender[32];     /* Ed25519 public key */
  const uint8_t* signers; /* signer_count keys of 32 bytes each, sender included */
  size_t signer_count;
} tenor_tx;

/* ---------------------------------------------------------------------------------------------
 * Execution.
 */
typedef struct tenor_result {
  uint32_t size;         /* sizeof(tenor_result) of the library that filled it */
  int32_t status;        /* a tenor_status */
  int32_t trap_code;     /* TENOR_TRAP and TENOR_OUT_OF_GAS: a tenor_trap_code; else -1 */
  uint64_t gas_used;     /* for every outcome; == gas_limit when out of gas */
  const uint8_t* output; /* return data (TENOR_OK) or the UTF-8 revert message (TENOR_REVERT);
                            owned by the result; NULL when output_size is 0 */
  size_t output_size;
  const char* message; /* NUL-terminated human-readable reason when not TENOR_OK, else "";
                          owned by the result; never NULL */
  void* internal;      /* the library's; do not touch */
} tenor_result;

/* Runs one top-level call of the contract at `address`: the export `entry` (NULL: "tenor_entry";
 * "tenor_init" at deployment) with the given input, at most gas_limit gas, against the world of
 * `host` (called with `host_ctx`). `tx` may be NULL (an empty transaction: no chain id, height 0,
 * zero sender, no signers). State changes are undone through the host's journal unless the call
 * succeeds. Never fails to return a result: bad arguments give TENOR_REFUSED. The result must be
 * released with tenor_result_release. */
tenor_result tenor_execute(tenor_engine* engine, const tenor_host* host, void* host_ctx, const tenor_tx* tx,
                           const uint8_t address[32], const uint8_t* input, size_t input_len, uint64_t gas_limit,
                           const char* entry);

/* Where the called contract's code stopped, for TENOR_TRAP, TENOR_OUT_OF_GAS and TENOR_REVERT:
 * returns 1 and writes the function index (in the module's function index space, imports first)
 * and the code offset of the wasm instruction (relative to the start of the code section's payload,
 * the WebAssembly DWARF convention that the "tenor.srcmap" section uses); returns 0, writing
 * nothing, when there is no site (TENOR_OK, TENOR_REFUSED, no code ran, a released result). Either
 * pointer may be NULL. The instruction is the one that trapped, the call of the host function that
 * trapped (revert, abort, a failing host function), or for out of gas the instruction whose charge
 * failed (for a basic block's charge: where the block starts); docs/vm.md, "Trap sites". */
int tenor_result_trap_site(const tenor_result* result, uint32_t* func_index, uint32_t* code_offset);

/* Frees what the result owns and empties it (output NULL, message ""). Releasing twice, or a
 * zero-filled result, is harmless. NULL is a no-op. */
void tenor_result_release(tenor_result* result);

#ifdef __cplusplus
}
#endif

#endif /* TENOR_TENOR_VM_H */
