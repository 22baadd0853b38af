/**
 * CRC64NVME over large inputs in WebAssembly (the kernel is crc64-wasm-binary.ts, made
 * by scripts/gen-crc64-wasm.ts, which explains its layout). It runs slice-by-16 on 64-bit words
 * at 2.5-2.8 GB/s here, against 1.7 GB/s for checksums.ts's JavaScript loop, which must split
 * every 64-bit table entry in two. That loop stays for short inputs, where copying into the
 * kernel's memory and the call cost more than they save, and wherever WebAssembly is missing.
 *
 * Each thread that loads this module has its own instance (512 KiB of memory).
 */
import { crc64Wasm } from './crc64-wasm-binary.js';

/** Advances a register held as [low, high] signed 32-bit halves over `data`, in place. */
export type Crc64Kernel = (register: Int32Array, data: Uint8Array) => void;

/**
 * The little of WebAssembly used here: the project's TypeScript libs (ES2022, @types/node 20)
 * do not declare the global.
 */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: KernelExports };
}
interface KernelExports {
  memory: { buffer: ArrayBuffer };
  update: (at: number, length: number) => void;
}

const tableOffset = 64;
const windowOffset = 65_536;
const windowBytes = 262_144;

/**
 * The kernel, with its 16 tables filled from `lo`/`hi`: the low and high halves of table 0
 * (byte b followed by no zero bytes), as checksums.ts keeps them. Undefined without WebAssembly.
 */
export function loadCrc64Kernel(lo: Uint32Array, hi: Uint32Array): Crc64Kernel | undefined {
  const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  let exports: KernelExports;
  try {
    if (!wasm) return undefined;
    exports = new wasm.Instance(new wasm.Module(crc64Wasm)).exports;
  } catch {
    return undefined;
  }
  const memory = new Uint8Array(exports.memory.buffer);
  // Little-endian 64-bit entries as [low, high] word pairs; table k from table k - 1 by one zero byte.
  const tables = new Uint32Array(exports.memory.buffer, tableOffset, 16 * 256 * 2);
  for (let i = 0; i < 256; i++) {
    tables[2 * i] = lo[i] as number;
    tables[2 * i + 1] = hi[i] as number;
  }
  for (let k = 1; k < 16; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = 2 * ((k - 1) * 256 + i);
      const pLo = tables[prev] as number;
      const pHi = tables[prev + 1] as number;
      const x = pLo & 0xff;
      tables[2 * (k * 256 + i)] = (((pLo >>> 8) | (pHi << 24)) ^ (lo[x] as number)) >>> 0;
      tables[2 * (k * 256 + i) + 1] = ((pHi >>> 8) ^ (hi[x] as number)) >>> 0;
    }
  }
  const register = new Int32Array(exports.memory.buffer, 0, 2);
  const update = exports.update;
  return (state, data) => {
    register[0] = state[0] as number;
    register[1] = state[1] as number;
    for (let at = 0; at < data.length; at += windowBytes) {
      const piece = data.subarray(at, Math.min(data.length, at + windowBytes));
      memory.set(piece, windowOffset);
      update(windowOffset, piece.length);
    }
    state[0] = register[0] as number;
    state[1] = register[1] as number;
  };
}
