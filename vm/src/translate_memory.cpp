// The translator's memory instructions: loads, stores, memory.size and memory.grow, and the
// 0xFC-prefixed ones (trunc_sat goes to the numeric part; bulk memory and table operations are
// here) (translator.hpp).
#include "translator.hpp"

namespace tenor::vm::detail::translation {

bool Translator::check_memory() {
  if (info_.memories.empty()) {
    err_ = invalid("unknown memory 0");
    return false;
  }
  return true;
}

bool Translator::check_data_count() {
  if (!info_.data_count && !info_.datas.empty()) {
    err_ = malformed("data count section required");
    return false;
  }
  return true;
}

bool Translator::read_memarg(uint8_t opc, uint32_t& offset) {
  uint32_t align = 0;
  if (!read_index(align) || !read_index(offset)) return false;
  if (!check_memory()) return false;
  if (align > num_tables().load_align[opc]) {
    err_ = invalid("alignment must not be larger than natural");
    return false;
  }
  return true;
}

bool Translator::op_load(uint8_t opc) {
  const NumTables& t = num_tables();
  uint32_t offset;
  if (!read_memarg(opc, offset)) return false;
  Operand addr;
  if (!pop(ValType::I32, addr)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(addr);
    uint32_t sa = slot_of(h);
    stack_.pop_back();
    uint32_t p = begin(t.load_op[opc]);
    w(canon(h));
    w(sa);
    w(offset);
    set_last(p, t.load_op[opc], p + 1);
  }
  push(t.load_type[opc]);
  return true;
}

bool Translator::op_store(uint8_t opc) {
  const NumTables& t = num_tables();
  uint32_t offset;
  if (!read_memarg(opc, offset)) return false;
  Operand value, addr;
  if (!pop(t.load_type[opc], value) || !pop(ValType::I32, addr)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(addr);
    stack_.push_back(value);
    uint32_t sa = slot_of(h);
    uint32_t sv = slot_of(h + 1);
    stack_.resize(h);
    begin(t.load_op[opc]);
    w(sa);
    w(sv);
    w(offset);
  }
  return true;
}

bool Translator::op_memory_size() {
  if (!read_zero_byte() || !check_memory()) return false;
  const uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    uint32_t p = begin(IOp::MemorySize);
    w(canon(h));
    set_last(p, IOp::MemorySize, p + 1);
  }
  push(ValType::I32);
  return true;
}

bool Translator::op_memory_grow() {
  if (!read_zero_byte() || !check_memory()) return false;
  Operand d;
  if (!pop(ValType::I32, d)) return false;
  const uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(d);
    uint32_t s = slot_of(h);
    stack_.pop_back();
    uint32_t p = begin(IOp::MemoryGrow);
    w(canon(h));
    w(s);
    set_last(p, IOp::MemoryGrow, p + 1);
  }
  push(ValType::I32);
  return true;
}

bool Translator::op_prefixed() {
  uint32_t sub = 0;
  if (!read_index(sub)) return false;
  const uint32_t opcode = wasm::prefixed(sub);
  charge(opcode);
  note_float(opcode);
  const NumTables& t = num_tables();
  if (sub < std::size(t.fc) && t.fc[sub].kind != NumKind::None) return op_numeric(t.fc[sub]);
  // Pops n i32 operands and returns their slots (materialising constants).
  auto pop_i32s = [this](uint32_t n, uint32_t* slots) -> bool {
    std::vector<Operand> ops(n);
    for (uint32_t i = n; i-- > 0;)
      if (!pop(ValType::I32, ops[i])) return false;
    if (live()) {
      uint32_t h = static_cast<uint32_t>(stack_.size());
      for (auto& e : ops) stack_.push_back(e);
      for (uint32_t i = 0; i < n; ++i) slots[i] = slot_of(h + i);
      stack_.resize(h);
    }
    return true;
  };
  uint32_t s[3] = {0, 0, 0};
  switch (opcode) {
    case wasm::kMemoryInit: {  // dataidx 0x00
      uint32_t seg = 0;
      if (!read_index(seg)) return false;
      if (!read_zero_byte()) return false;
      if (!check_data_count()) return false;
      if (!check_memory()) return false;
      if (!check_index(seg, data_count(), "data segment")) return false;
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryInit);
        w(seg), w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    case wasm::kDataDrop: {
      uint32_t seg = 0;
      if (!read_index(seg)) return false;
      if (!check_data_count()) return false;
      if (!check_index(seg, data_count(), "data segment")) return false;
      if (live()) {
        begin(IOp::DataDrop);
        w(seg);
      }
      return true;
    }
    case wasm::kMemoryCopy:  // 0x00 0x00
      if (!read_zero_byte() || !read_zero_byte()) return false;
      if (!check_memory() || !pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryCopy);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    case wasm::kMemoryFill:  // 0x00
      if (!read_zero_byte()) return false;
      if (!check_memory() || !pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryFill);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    case wasm::kTableInit: {  // elemidx tableidx
      uint32_t seg = 0, table = 0;
      if (!read_index(seg) || !read_index(table)) return false;
      if (!check_index(table, info_.tables.size(), "table")) return false;
      if (!check_index(seg, info_.elems.size(), "elem segment")) return false;
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::TableInit);
        w(seg), w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    case wasm::kElemDrop: {
      uint32_t seg = 0;
      if (!read_index(seg)) return false;
      if (!check_index(seg, info_.elems.size(), "elem segment")) return false;
      if (live()) {
        begin(IOp::ElemDrop);
        w(seg);
      }
      return true;
    }
    case wasm::kTableCopy: {  // dst src
      uint32_t dt = 0, st = 0;
      if (!read_index(dt) || !read_index(st)) return false;
      if (!check_index(std::max(dt, st), info_.tables.size(), "table")) return false;
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::TableCopy);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    default: err_ = malformed(illegal_prefixed_opcode_message(sub)); return false;
  }
}

}  // namespace tenor::vm::detail::translation
