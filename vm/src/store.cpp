// Module loading, the Store (runtime objects, instantiation, calls) and the Linker.

#include <algorithm>
#include <new>

#include "code.hpp"
#include "interpreter.hpp"
#include "module_info.hpp"

namespace tenor::vm {

using detail::CompiledFunction;
using detail::ConstExpr;
using detail::ModuleData;
using detail::SegmentMode;

// ---------------------------------------------------------------------------------------------
// Module

Module::Module(std::unique_ptr<ModuleData> data) : data_(std::move(data)) {}
Module::~Module() = default;

Result<std::shared_ptr<const Module>> Module::load(std::span<const uint8_t> bytes, const VmConfig& config) {
  if (bytes.size() > config.max_module_size) {
    return Error{ErrorKind::LimitExceeded,
                 "module is " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                     std::to_string(config.max_module_size),
                 {},
                 {},
                 {}};
  }
  auto data = std::make_unique<ModuleData>();
  data->bytes.assign(bytes.begin(), bytes.end());
  std::span<const uint8_t> own(data->bytes);
  auto decoded = detail::decode_module(own, config);
  if (!decoded) return std::move(decoded).error();
  data->info = std::move(decoded).value();
  if (Status s = detail::validate_module(data->info, config); !s) return std::move(s).error();
  if (Status s = detail::compile_functions(data->info, own, config, data->funcs); !s) return std::move(s).error();

  const detail::ModuleInfo& info = data->info;
  for (const auto& imp : info.imports) {
    ImportDesc d;
    d.module = imp.module;
    d.name = imp.name;
    d.kind = imp.kind;
    if (imp.kind == ExternKind::Func) d.func = info.types[imp.type_index];
    d.table = imp.table;
    d.memory = imp.memory;
    d.global = imp.global;
    data->imports.push_back(std::move(d));
  }
  for (const auto& exp : info.exports) data->exports.push_back({exp.name, exp.kind, exp.index});
  return std::shared_ptr<const Module>(new Module(std::move(data)));
}

const std::vector<ImportDesc>& Module::imports() const noexcept { return data_->imports; }
const std::vector<ExportDesc>& Module::exports() const noexcept { return data_->exports; }

std::optional<ExportDesc> Module::find_export(std::string_view name) const {
  for (const auto& e : data_->exports)
    if (e.name == name) return e;
  return std::nullopt;
}

const FuncType& Module::function_type(uint32_t func_index) const {
  return data_->info.types[data_->info.func_types[func_index]];
}

uint32_t Module::function_count() const noexcept { return static_cast<uint32_t>(data_->info.func_types.size()); }

std::optional<std::span<const uint8_t>> Module::custom_section(std::string_view name) const {
  for (const auto& c : data_->info.customs)
    if (c.name == name)
      return std::span<const uint8_t>(data_->bytes.data() + c.payload_begin, c.payload_end - c.payload_begin);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Memory

int64_t Memory::grow(uint32_t delta) noexcept {
  uint64_t old_pages = pages();
  uint64_t new_pages = old_pages + delta;
  if (new_pages > limit_pages_) return -1;
  if (delta == 0) return static_cast<int64_t>(old_pages);
  try {
    bytes_.resize(new_pages * kPageSize, 0);
  } catch (const std::bad_alloc&) {
    return -1;
  } catch (const std::length_error&) {
    return -1;
  }
  return static_cast<int64_t>(old_pages);
}

std::optional<std::span<uint8_t>> Memory::view(uint64_t offset, uint64_t len) noexcept {
  if (offset > bytes_.size() || len > bytes_.size() - offset) return std::nullopt;
  return std::span<uint8_t>(bytes_.data() + offset, len);
}

// ---------------------------------------------------------------------------------------------
// Linker

void Linker::define(std::string module, std::string name, Extern ext) {
  defs_[{std::move(module), std::move(name)}] = ext;
}

void Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const auto& e : instance.module().exports())
    if (auto ext = instance.find_export(e.name)) define(module, e.name, *ext);
}

std::optional<Extern> Linker::resolve(std::string_view module, std::string_view name) const {
  auto it = defs_.find(std::pair<std::string, std::string>(module, name));
  if (it == defs_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Instance

std::optional<Extern> Instance::find_export(std::string_view name) const {
  auto e = module_->find_export(name);
  if (!e) return std::nullopt;
  switch (e->kind) {
    case ExternKind::Func: return Extern::func(functions_[e->index]);
    case ExternKind::Table: return Extern::table(tables_[e->index]);
    case ExternKind::Memory: return Extern::memory(memories_[e->index]);
    case ExternKind::Global: return Extern::global(globals_[e->index]);
  }
  return std::nullopt;
}

Function* Instance::exported_function(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->as_func() : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Store

Store::Store(VmConfig config) : config_(config), interp_(std::make_unique<detail::Interpreter>(*this, config_)) {}
Store::~Store() = default;

void Store::reset() {
  instances_.clear();
  functions_.clear();
  memories_.clear();
  tables_.clear();
  globals_.clear();
  types_.clear();
}

uint32_t Store::intern_type(const FuncType& t) {
  for (uint32_t i = 0; i < types_.size(); ++i)
    if (types_[i] == t) return i;
  types_.push_back(t);
  return static_cast<uint32_t>(types_.size() - 1);
}

Function* Store::create_host_function(FuncType type, HostFunction fn) {
  auto f = std::make_unique<Function>();
  f->owned_type_ = std::move(type);
  f->type_ = &f->owned_type_;
  f->type_id_ = intern_type(f->owned_type_);
  f->host_ = std::make_unique<HostFunction>(std::move(fn));
  functions_.push_back(std::move(f));
  return functions_.back().get();
}

Memory* Store::create_memory(const MemoryType& type) {
  auto m = std::make_unique<Memory>();
  m->type_ = type;
  m->limit_pages_ = std::min<uint32_t>(type.limits.max.value_or(kMaxPages), config_.max_memory_pages);
  m->bytes_.resize(static_cast<size_t>(type.limits.min) * kPageSize, 0);
  memories_.push_back(std::move(m));
  return memories_.back().get();
}

Table* Store::create_table(const TableType& type) {
  auto t = std::make_unique<Table>();
  t->type_ = type;
  t->elems_.assign(type.limits.min, nullptr);
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

Global* Store::create_global(const GlobalType& type, Value init) {
  auto g = std::make_unique<Global>();
  g->type_ = type;
  g->bits_ = init.bits;
  globals_.push_back(std::move(g));
  return globals_.back().get();
}

namespace {

bool limits_match(const Limits& actual, const Limits& expected) {
  if (actual.min < expected.min) return false;
  if (expected.max) {
    if (!actual.max || *actual.max > *expected.max) return false;
  }
  return true;
}

Error link_error(ErrorKind kind, std::string message, uint64_t offset) {
  return Error{kind, std::move(message), "import", offset, {}};
}

}  // namespace

Result<Instance*> Store::instantiate(std::shared_ptr<const Module> module, const Linker& linker,
                                     const CallOptions& start) {
  const ModuleData& md = module->data();
  const detail::ModuleInfo& info = md.info;

  auto inst = std::make_unique<Instance>();
  inst->module_ = module;
  for (const auto& t : info.types) inst->type_ids_.push_back(intern_type(t));

  // Imports.
  for (const auto& imp : info.imports) {
    auto ext = linker.resolve(imp.module, imp.name);
    std::string what = "\"" + imp.module + "\" \"" + imp.name + "\"";
    if (!ext) return link_error(ErrorKind::Unlinkable, "unknown import " + what, imp.offset);
    if (ext->kind != imp.kind)
      return link_error(ErrorKind::Unlinkable,
                        std::string("incompatible import type for ") + what + ": expected a " + to_string(imp.kind) +
                            ", got a " + to_string(ext->kind),
                        imp.offset);
    switch (imp.kind) {
      case ExternKind::Func: {
        Function* f = ext->as_func();
        if (f->type_id_ != inst->type_ids_[imp.type_index])
          return link_error(ErrorKind::Unlinkable,
                            "incompatible import type for " + what + ": expected " +
                                to_string(info.types[imp.type_index]) + ", got " + to_string(f->type()),
                            imp.offset);
        inst->functions_.push_back(f);
        break;
      }
      case ExternKind::Table: {
        Table* t = ext->as_table();
        Limits actual{t->size(), t->type_.limits.max};
        if (!limits_match(actual, imp.table.limits))
          return link_error(ErrorKind::Unlinkable, "incompatible import type for " + what + ": table limits",
                            imp.offset);
        inst->tables_.push_back(t);
        break;
      }
      case ExternKind::Memory: {
        Memory* m = ext->as_memory();
        Limits actual{m->pages(), m->type_.limits.max};
        if (!limits_match(actual, imp.memory.limits))
          return link_error(ErrorKind::Unlinkable, "incompatible import type for " + what + ": memory limits",
                            imp.offset);
        inst->memories_.push_back(m);
        break;
      }
      case ExternKind::Global: {
        Global* g = ext->as_global();
        if (!(g->type_ == imp.global))
          return link_error(ErrorKind::Unlinkable, "incompatible import type for " + what + ": global type",
                            imp.offset);
        inst->globals_.push_back(g);
        break;
      }
    }
  }

  Instance* self = inst.get();
  instances_.push_back(std::move(inst));

  // Defined functions, tables, memories and globals.
  for (uint32_t i = 0; i < md.funcs.size(); ++i) {
    auto f = std::make_unique<Function>();
    uint32_t type_index = info.func_types[info.num_imported_funcs + i];
    f->type_ = &info.types[type_index];
    f->type_id_ = self->type_ids_[type_index];
    f->instance_ = self;
    f->code_ = &md.funcs[i];
    self->functions_.push_back(f.get());
    functions_.push_back(std::move(f));
  }
  for (size_t i = info.num_imported_tables; i < info.tables.size(); ++i)
    self->tables_.push_back(create_table(info.tables[i]));
  for (size_t i = info.num_imported_memories; i < info.memories.size(); ++i)
    self->memories_.push_back(create_memory(info.memories[i]));

  auto eval = [&](const ConstExpr& e) -> uint64_t {
    switch (e.kind) {
      case ConstExpr::Kind::GlobalGet: return self->globals_[e.index]->bits_;
      default: return e.bits;
    }
  };
  for (const auto& g : info.globals) self->globals_.push_back(create_global(g.type, Value{g.type.type, eval(g.init)}));

  self->dropped_data_.assign(info.datas.size(), 0);
  self->dropped_elem_.assign(info.elems.size(), 0);

  auto uninstantiable = [](std::string message, uint64_t offset, const char* section) {
    return Error{ErrorKind::Uninstantiable, std::move(message), section, offset, {}};
  };

  // Element segments, then data segments, one by one (bulk-memory semantics: earlier writes stay
  // when a later segment is out of bounds).
  for (size_t i = 0; i < info.elems.size(); ++i) {
    const auto& es = info.elems[i];
    if (es.mode == SegmentMode::Active) {
      uint64_t offset = static_cast<uint32_t>(eval(es.offset));
      Table* t = self->tables_[es.table_index];
      if (offset + es.funcs.size() > t->size())
        return uninstantiable(
            "out of bounds table access: element segment " + std::to_string(i) + " does not fit the table",
            es.byte_offset, "element");
      for (size_t k = 0; k < es.funcs.size(); ++k)
        t->elems_[offset + k] = es.funcs[k] == detail::kNullFuncIndex ? nullptr : self->functions_[es.funcs[k]];
    }
    if (es.mode != SegmentMode::Passive) self->dropped_elem_[i] = 1;
  }
  for (size_t i = 0; i < info.datas.size(); ++i) {
    const auto& ds = info.datas[i];
    if (ds.mode == SegmentMode::Active) {
      uint64_t offset = static_cast<uint32_t>(eval(ds.offset));
      uint64_t len = ds.init_end - ds.init_begin;
      Memory* m = self->memories_[ds.memory_index];
      if (offset + len > m->size())
        return uninstantiable(
            "out of bounds memory access: data segment " + std::to_string(i) + " does not fit the memory",
            ds.byte_offset, "data");
      if (len) std::memcpy(m->data() + offset, md.bytes.data() + ds.init_begin, len);
      self->dropped_data_[i] = 1;
    }
  }

  if (info.start) {
    Function* f = self->functions_[*info.start];
    std::optional<Trap> t = interp_->invoke(f, nullptr, nullptr, start.gas_limit, start.tracer).trap;
    if (t) return uninstantiable(t->to_string() + " (in the start function)", 0, "start");
  }
  return self;
}

CallResult Store::call(Function* f, std::span<const Value> args, const CallOptions& options) {
  CallResult result;
  if (f == nullptr) {
    result.trap = Trap{TrapCode::HostTrap, "call of a null function"};
    return result;
  }
  const FuncType& ft = f->type();
  if (args.size() != ft.params.size()) {
    result.trap = Trap{TrapCode::HostTrap, "wrong number of arguments: expected " + std::to_string(ft.params.size()) +
                                               ", got " + std::to_string(args.size())};
    return result;
  }
  uint64_t stack_args[16];
  std::vector<uint64_t> heap_args;
  uint64_t* a = stack_args;
  if (args.size() > 16) {
    heap_args.resize(args.size());
    a = heap_args.data();
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != ft.params[i]) {
      result.trap = Trap{TrapCode::HostTrap, "argument " + std::to_string(i) + " has type " + to_string(args[i].type) +
                                                 ", expected " + to_string(ft.params[i])};
      return result;
    }
    bool narrow = ft.params[i] == ValType::I32 || ft.params[i] == ValType::F32;
    a[i] = narrow ? static_cast<uint32_t>(args[i].bits) : args[i].bits;
  }
  std::vector<uint64_t> res(ft.results.size());
  auto outcome = interp_->invoke(f, a, res.data(), options.gas_limit, options.tracer);
  result.trap = std::move(outcome.trap);
  result.trap_site = outcome.trap_site;
  result.gas_used = outcome.gas_used;
  if (!result.trap) {
    result.values.reserve(res.size());
    for (size_t i = 0; i < res.size(); ++i) result.values.push_back(Value{ft.results[i], res[i]});
  }
  return result;
}

}  // namespace tenor::vm
