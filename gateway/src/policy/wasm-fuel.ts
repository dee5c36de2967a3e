// Rewrites a policy.wasm so that every loop iteration and function call spends one unit of "fuel"
// from an exported global, and traps when the fuel runs out: a hard bound on the work of one
// synchronous evaluation, which the JavaScript host cannot otherwise interrupt.
//
// Only backward branches (to a `loop` label) and calls can make WebAssembly run longer than its
// code is long, so charging at every loop head and function entry bounds everything the module
// executes. Nothing is renumbered: the fuel counter is a new global appended after the existing
// ones, and the inserted check is a self-contained `if … end` that branch depths never see.

/** Name of the exported i32 global holding the fuel left; the host sets it before evaluating. */
export const FUEL_EXPORT = 'palisade_fuel';

/** Fuel given to code that runs outside an evaluation (instantiation, setData). */
export const UNMETERED_FUEL = 0x7fffffff;

export class WasmInstrumentError extends Error {
  override readonly name = 'WasmInstrumentError';
}

const SECTION_IMPORT = 2;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;

const OP_LOOP = 0x03;
const KIND_GLOBAL = 0x03;

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  byte(): number {
    if (this.pos >= this.end) throw new WasmInstrumentError('unexpected end of module');
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 35) throw new WasmInstrumentError('LEB128 too long');
    }
    return result;
  }

  /** Skips a signed LEB128 of any width (i32/i64 constants, block types). */
  skipLeb(): void {
    for (let n = 0; ; n++) {
      if (n > 10) throw new WasmInstrumentError('LEB128 too long');
      if ((this.byte() & 0x80) === 0) return;
    }
  }

  skip(count: number): void {
    if (this.pos + count > this.end) throw new WasmInstrumentError('unexpected end of module');
    this.pos += count;
  }

  name(): void {
    this.skip(this.u32());
  }
}

function u32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function i32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** global.get g; i32.const 1; i32.sub; global.set g; global.get g; i32.const 0; i32.lt_s; if; unreachable; end */
function fuelCheck(globalIndex: number): Uint8Array {
  const g = u32Leb(globalIndex);
  return Uint8Array.from([0x23, ...g, 0x41, 0x01, 0x6b, 0x24, ...g, 0x23, ...g, 0x41, 0x00, 0x48, 0x04, 0x40, 0x00, 0x0b]);
}

function skipMemarg(r: Reader): void {
  const align = r.u32();
  // Multi-memory sets bit 6 of the alignment when a memory index follows.
  if (align & 0x40) r.u32();
  r.u32();
}

/**
 * Copies one function body's instructions, inserting `check` after every loop header. Decodes
 * every immediate so that no operand byte is ever mistaken for an opcode.
 */
function instrumentExpression(r: Reader, check: Uint8Array, out: number[]): number {
  let loops = 0;
  let copiedFrom = r.pos;
  const flush = (to: number): void => {
    for (let i = copiedFrom; i < to; i++) out.push(r.bytes[i]!);
    copiedFrom = to;
  };
  while (r.pos < r.end) {
    const op = r.byte();
    switch (op) {
      case 0x02: // block
      case 0x04: // if
      case 0x06: // try
        r.skipLeb();
        break;
      case OP_LOOP:
        r.skipLeb();
        flush(r.pos);
        for (const b of check) out.push(b);
        loops++;
        break;
      case 0x07: // catch
      case 0x08: // throw
      case 0x09: // rethrow
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x10: // call
      case 0x12: // return_call
      case 0x18: // delegate
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
      case 0x23: // global.get
      case 0x24: // global.set
      case 0x25: // table.get
      case 0x26: // table.set
      case 0xd2: // ref.func
        r.u32();
        break;
      case 0x0e: {
        // br_table: a vector of labels, then the default label
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case 0x11: // call_indirect
      case 0x13: // return_call_indirect
        r.u32();
        r.u32();
        break;
      case 0x1c: // select t*
        r.skip(r.u32());
        break;
      case 0x3f: // memory.size
      case 0x40: // memory.grow
        r.u32();
        break;
      case 0x41: // i32.const
      case 0x42: // i64.const
        r.skipLeb();
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0xd0: // ref.null
        r.byte();
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break; // saturating truncations
        if (sub === 8 || sub === 10 || sub === 12 || sub === 14) {
          r.u32(); // memory.init, memory.copy, table.init, table.copy
          r.u32();
        } else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) {
          r.u32(); // data.drop, memory.fill, elem.drop, table.grow/size/fill
        } else {
          throw new WasmInstrumentError(`unknown instruction 0xfc ${sub}`);
        }
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) {
          skipMemarg(r);
        } else if (
          op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x19 ||
          op === 0x1a || op === 0x1b || op === 0xd1 || (op >= 0x45 && op <= 0xc4)
        ) {
          // No immediates.
        } else {
          // SIMD (0xfd), threads (0xfe) and anything newer: refuse rather than guess.
          throw new WasmInstrumentError(`unsupported instruction 0x${op.toString(16)}`);
        }
    }
  }
  flush(r.end);
  return loops;
}

function instrumentCode(section: Uint8Array, globalIndex: number): { bytes: number[]; loops: number } {
  const check = fuelCheck(globalIndex);
  const r = new Reader(section);
  const count = r.u32();
  const out: number[] = u32Leb(count);
  let loops = 0;
  for (let f = 0; f < count; f++) {
    const size = r.u32();
    const end = r.pos + size;
    const body = new Reader(section, r.pos, end);
    const localGroups = body.u32();
    for (let i = 0; i < localGroups; i++) {
      body.u32();
      body.byte();
    }
    const rewritten: number[] = [];
    for (let i = r.pos; i < body.pos; i++) rewritten.push(section[i]!);
    for (const b of check) rewritten.push(b);
    loops += instrumentExpression(body, check, rewritten);
    out.push(...u32Leb(rewritten.length));
    for (const b of rewritten) out.push(b);
    r.pos = end;
  }
  if (r.pos !== section.length) throw new WasmInstrumentError('trailing bytes in the code section');
  return { bytes: out, loops };
}

function countImportedGlobals(section: Uint8Array): number {
  const r = new Reader(section);
  const count = r.u32();
  let globals = 0;
  for (let i = 0; i < count; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0x00) r.u32(); // function: type index
    else if (kind === 0x01) {
      r.byte(); // table: reftype, limits
      const flags = r.u32();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 0x02) {
      const flags = r.u32(); // memory: limits
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === KIND_GLOBAL) {
      r.byte();
      r.byte();
      globals++;
    } else if (kind === 0x04) {
      r.byte(); // tag
      r.u32();
    } else {
      throw new WasmInstrumentError(`unknown import kind ${kind}`);
    }
  }
  return globals;
}

function appendToVector(section: Uint8Array, entry: readonly number[]): number[] {
  const r = new Reader(section);
  const out = u32Leb(r.u32() + 1);
  for (let i = r.pos; i < section.length; i++) out.push(section[i]!);
  for (const b of entry) out.push(b);
  return out;
}

function vectorLength(section: Uint8Array): number {
  return new Reader(section).u32();
}

export interface InstrumentedModule {
  wasm: Uint8Array;
  /** Loop headers charged (function entries are charged too). */
  loops: number;
  functions: number;
}

/** Returns a copy of `wasm` that meters its own execution through the exported FUEL_EXPORT global. */
export function instrumentFuel(wasm: Uint8Array): InstrumentedModule {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (wasm.length < 8 || header.some((b, i) => wasm[i] !== b)) throw new WasmInstrumentError('not a WebAssembly 1.0 module');
  const r = new Reader(wasm, 8);
  const sections: { id: number; body: Uint8Array }[] = [];
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    sections.push({ id, body: wasm.subarray(start, start + size) });
  }

  const imports = sections.find((s) => s.id === SECTION_IMPORT);
  const globals = sections.find((s) => s.id === SECTION_GLOBAL);
  const exportsSection = sections.find((s) => s.id === SECTION_EXPORT);
  const code = sections.find((s) => s.id === SECTION_CODE);
  if (!globals || !exportsSection || !code) throw new WasmInstrumentError('the module has no global, export or code section');

  const globalIndex = (imports ? countImportedGlobals(imports.body) : 0) + vectorLength(globals.body);
  const fuelGlobal = [0x7f, 0x01, 0x41, ...i32Leb(UNMETERED_FUEL), 0x0b];
  const nameBytes = [...new TextEncoder().encode(FUEL_EXPORT)];
  const fuelExport = [...u32Leb(nameBytes.length), ...nameBytes, KIND_GLOBAL, ...u32Leb(globalIndex)];
  const instrumented = instrumentCode(code.body, globalIndex);

  const out: number[] = header.slice();
  for (const s of sections) {
    let body: ArrayLike<number> = s.body;
    if (s === globals) body = appendToVector(s.body, fuelGlobal);
    else if (s === exportsSection) body = appendToVector(s.body, fuelExport);
    else if (s === code) body = instrumented.bytes;
    out.push(s.id, ...u32Leb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  }
  return { wasm: Uint8Array.from(out), loops: instrumented.loops, functions: vectorLength(code.body) };
}
