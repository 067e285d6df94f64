// The embedding API of the WebAssembly engine.
//
//   auto module = Module::load(bytes);            // decode + validate + predecode, once
//   Store store;                                  // owns runtime objects and the execution stacks
//   Linker linker;                                // what imports resolve to
//   auto inst = store.instantiate(*module, linker);
//   auto result = store.call((*inst)->exported_function("add"), {Value::i32(1), Value::i32(2)});
//
// A Module is immutable and can be shared between stores and threads. A Store and everything it
// owns (instances, functions, memories, tables, globals) is single-threaded; objects live as long
// as their Store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenor/vm/config.hpp"
#include "tenor/vm/error.hpp"
#include "tenor/vm/trace.hpp"
#include "tenor/vm/trap.hpp"
#include "tenor/vm/types.hpp"

namespace tenor::vm {

namespace detail {
struct ModuleData;
struct CompiledFunction;
class Interpreter;
}  // namespace detail

class Store;
class Instance;
class Function;
class Memory;
class Table;
class Global;

// ---------------------------------------------------------------------------------------------
// Module

struct ImportDesc {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  FuncType func;      // kind == Func
  TableType table;    // kind == Table
  MemoryType memory;  // kind == Memory
  GlobalType global;  // kind == Global
};

struct ExportDesc {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // in the index space of its kind
};

class Module {
 public:
  // Decodes, validates and predecodes a binary module. Errors name the section, offset, function
  // and reason.
  static Result<std::shared_ptr<const Module>> load(std::span<const uint8_t> bytes, const VmConfig& config = {});
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::vector<ImportDesc>& imports() const noexcept;
  const std::vector<ExportDesc>& exports() const noexcept;
  std::optional<ExportDesc> find_export(std::string_view name) const;
  // Type of a function in the function index space (imports first).
  const FuncType& function_type(uint32_t func_index) const;
  uint32_t function_count() const noexcept;
  // Payload of the first custom section with this name.
  std::optional<std::span<const uint8_t>> custom_section(std::string_view name) const;
  const detail::ModuleData& data() const noexcept { return *data_; }

 private:
  explicit Module(std::unique_ptr<detail::ModuleData> data);
  std::unique_ptr<detail::ModuleData> data_;
};

// ---------------------------------------------------------------------------------------------
// Runtime objects (owned by a Store)

// What a host function sees of its caller.
struct HostCall {
  Store& store;
  Instance* caller;   // the calling wasm instance, or nullptr when called from the embedder
  Memory* memory;     // the caller's memory 0, or nullptr
  int64_t* gas_left;  // the running call's remaining gas

  // Charges gas for work the host function is about to do. Returns false, leaving no gas, when
  // not enough is left: the host function should then return Trap{TrapCode::OutOfGas}.
  [[nodiscard]] bool charge_gas(uint64_t amount) noexcept {
    if (amount > static_cast<uint64_t>(*gas_left)) {
      *gas_left = 0;
      return false;
    }
    *gas_left -= static_cast<int64_t>(amount);
    return true;
  }
};

// A host function receives its arguments and writes its results as 64-bit slots, in the order of
// its FuncType: i32 in the low 32 bits, floats as IEEE bit patterns. Returning a Trap aborts the
// whole call with that trap.
using HostFunction = std::function<std::optional<Trap>(HostCall& call, const uint64_t* args, uint64_t* results)>;

class Function {
 public:
  const FuncType& type() const noexcept { return *type_; }
  bool is_host() const noexcept { return host_ != nullptr; }
  Instance* instance() const noexcept { return instance_; }

 private:
  friend class Store;
  friend class Instance;
  friend class detail::Interpreter;
  const FuncType* type_ = nullptr;
  uint32_t type_id_ = 0;          // Store-wide id of the structural type
  Instance* instance_ = nullptr;  // wasm functions: the defining instance
  const detail::CompiledFunction* code_ = nullptr;
  std::unique_ptr<HostFunction> host_;  // host functions only
  FuncType owned_type_;                 // host functions only
};

class Memory {
 public:
  const MemoryType& type() const noexcept { return type_; }
  uint32_t pages() const noexcept { return static_cast<uint32_t>(bytes_.size() / kPageSize); }
  uint8_t* data() noexcept { return bytes_.data(); }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  uint64_t size() const noexcept { return bytes_.size(); }
  // Grows by delta pages (zero-filled). Returns the old page count, or -1 when the maximum, the
  // store's limit or the host's memory refuses.
  int64_t grow(uint32_t delta) noexcept;
  // Bounds-checked view of [offset, offset + len); empty optional when out of bounds.
  std::optional<std::span<uint8_t>> view(uint64_t offset, uint64_t len) noexcept;

 private:
  friend class Store;
  friend class Instance;
  friend class detail::Interpreter;
  MemoryType type_;
  uint32_t limit_pages_ = kMaxPages;  // min(type max, config max)
  std::vector<uint8_t> bytes_;
};

class Table {
 public:
  const TableType& type() const noexcept { return type_; }
  uint32_t size() const noexcept { return static_cast<uint32_t>(elems_.size()); }
  Function* get(uint32_t i) const noexcept { return i < elems_.size() ? elems_[i] : nullptr; }
  bool set(uint32_t i, Function* f) noexcept {
    if (i >= elems_.size()) return false;
    elems_[i] = f;
    return true;
  }

 private:
  friend class Store;
  friend class Instance;
  friend class detail::Interpreter;
  TableType type_;
  std::vector<Function*> elems_;  // nullptr = null reference
};

class Global {
 public:
  const GlobalType& type() const noexcept { return type_; }
  Value get() const noexcept { return {type_.type, bits_}; }
  // Fails (returns false) on an immutable global or a type mismatch.
  bool set(const Value& v) noexcept {
    if (!type_.mut || v.type != type_.type) return false;
    bits_ = v.bits;
    return true;
  }

 private:
  friend class Store;
  friend class Instance;
  friend class detail::Interpreter;
  GlobalType type_;
  uint64_t bits_ = 0;
};

struct Extern {
  ExternKind kind = ExternKind::Func;
  void* object = nullptr;  // Function*, Table*, Memory* or Global*, by kind

  static Extern func(Function* f) { return {ExternKind::Func, f}; }
  static Extern table(Table* t) { return {ExternKind::Table, t}; }
  static Extern memory(Memory* m) { return {ExternKind::Memory, m}; }
  static Extern global(Global* g) { return {ExternKind::Global, g}; }
  Function* as_func() const { return kind == ExternKind::Func ? static_cast<Function*>(object) : nullptr; }
  Table* as_table() const { return kind == ExternKind::Table ? static_cast<Table*>(object) : nullptr; }
  Memory* as_memory() const { return kind == ExternKind::Memory ? static_cast<Memory*>(object) : nullptr; }
  Global* as_global() const { return kind == ExternKind::Global ? static_cast<Global*>(object) : nullptr; }
};

// Names importable objects: (module, name) -> Extern. Ordered map: deterministic iteration.
class Linker {
 public:
  void define(std::string module, std::string name, Extern ext);
  // Makes every export of the instance importable under `module`.
  void define_instance(const std::string& module, const Instance& instance);
  std::optional<Extern> resolve(std::string_view module, std::string_view name) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> defs_;
};

class Instance {
 public:
  const Module& module() const noexcept { return *module_; }
  std::optional<Extern> find_export(std::string_view name) const;
  Function* exported_function(std::string_view name) const;
  Memory* memory() const noexcept { return memories_.empty() ? nullptr : memories_[0]; }

 private:
  friend class Store;
  friend class detail::Interpreter;
  std::shared_ptr<const Module> module_;
  std::vector<Function*> functions_;  // function index space
  std::vector<Table*> tables_;
  std::vector<Memory*> memories_;
  std::vector<Global*> globals_;
  std::vector<uint32_t> type_ids_;     // module type index -> Store type id
  std::vector<uint8_t> dropped_data_;  // data.drop per segment
  std::vector<uint8_t> dropped_elem_;  // elem.drop per segment
};

struct CallResult {
  std::vector<Value> values;  // results, when no trap
  std::optional<Trap> trap;
  // Where the trap happened (trap.hpp): set when wasm code of the call ran and trapped; nullopt
  // when nothing ran (bad arguments, no stack) or the called function is a host function. A trap
  // returned by a host function is located at the call instruction that called it (whatever site
  // a nested call made by that host function had).
  std::optional<TrapSite> trap_site;
  uint64_t gas_used = 0;  // for every outcome; equals the limit after running out of gas
  bool ok() const noexcept { return !trap.has_value(); }
};

struct CallOptions {
  // Gas available to the call. Without a limit the call is unmetered (gas_used stays 0). Calls
  // made by host functions while a call runs share the running call's gas; a limit given to such
  // a nested call caps what it may use of it.
  std::optional<uint64_t> gas_limit;
  // Records the execution (calls, basic blocks or instructions, by the tracer's level). Block
  // events need code loaded with metering. Nested calls record into the running call's tracer.
  Tracer* tracer = nullptr;
};

class Store {
 public:
  explicit Store(VmConfig config = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const VmConfig& config() const noexcept { return config_; }

  // Destroys every object the store owns (instances, functions, memories, tables, globals),
  // keeping the allocated execution stacks for reuse. Pointers into the store become invalid.
  // Must not be called while a call is running.
  void reset();

  Function* create_host_function(FuncType type, HostFunction fn);
  Memory* create_memory(const MemoryType& type);
  Table* create_table(const TableType& type);
  Global* create_global(const GlobalType& type, Value init);

  // Resolves imports through the linker, allocates the instance, applies element and data segments
  // and runs the start function. Errors: Unlinkable (missing or incompatible import) or
  // Uninstantiable (segment out of bounds, start function trapped). On Uninstantiable, writes that
  // segments made to imported tables and memories before the failure stay (bulk-memory semantics).
  // `start` meters (and traces) the start function: without a gas limit it runs unbounded.
  Result<Instance*> instantiate(std::shared_ptr<const Module> module, const Linker& linker,
                                const CallOptions& start = {});

  // Calls a function with typed arguments (checked against its type).
  CallResult call(Function* f, std::span<const Value> args, const CallOptions& options = {});

 private:
  friend class detail::Interpreter;
  uint32_t intern_type(const FuncType& t);

  VmConfig config_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<Function>> functions_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Global>> globals_;
  std::vector<FuncType> types_;  // interned structural types; id = index
  std::unique_ptr<detail::Interpreter> interp_;
};

}  // namespace tenor::vm
