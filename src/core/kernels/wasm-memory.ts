import type { WasmMemory } from "./wasm-gemm.js";

/**
 * The memory bookkeeping both WebAssembly engines share (wasm-rnn.ts for float64 RNN, and
 * wasm-layer.ts for float32 RNN, LSTM and GRU): one instance per kind for the whole process, its
 * growth, the views that growth detaches, and when an engine must repack its weights.
 */

export const PAGE = 65536;
/** A memory32 instance addresses at most 2^32 bytes. */
export const MAX_BYTES = 2 ** 32;
/**
 * Rounding up in double arithmetic, not with `&`: a 32-bit `&` wraps from 2^31 on, so a call of
 * 2 GiB or more got small or negative addresses ("offset is out of bounds", a wasm trap) instead
 * of an honest size that `reserve` refuses past MAX_BYTES. Exact for every size below 2^53.
 */
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;
export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;
export const roundUp4 = (n: number): number => roundUp(n, 4);

/**
 * The slice of the WebAssembly JS API used here. The project compiles against lib ES2022 and
 * @types/node 20, neither of which declares WebAssembly, so it is typed locally.
 */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/**
 * Instantiates one module (compiled on the first call, once per process): each call gives a fresh
 * instance's exports, with its own memory, or null where WebAssembly or its SIMD extension is
 * missing, or where the memory cannot be had (callers then keep the scalar kernels, which give
 * the same bits). Each memory reserves about 10 GB of address space in V8 (guard pages instead of
 * bounds checks); under `ulimit -v`, or with some 13,000 memories alive at once, instantiation
 * fails with a RangeError, hence the catch, and why the engines share one instance per kind.
 */
export function moduleInstantiator(bytes: () => Uint8Array): () => Record<string, unknown> | null {
  let compiled: object | null | undefined;
  return () => {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (api === undefined) return null;
    if (compiled === undefined) {
      try {
        const b = bytes();
        compiled = api.validate(b) ? new api.Module(b) : null;
      } catch {
        compiled = null;
      }
    }
    if (compiled === null) return null;
    try {
      return new api.Instance(compiled, {}).exports;
    } catch {
      return null;
    }
  };
}

/** An instance every engine of one kind uses, and the engine whose weights its memory holds now. */
export interface SharedInstance<K extends { memory: WasmMemory }> {
  readonly kernels: K;
  owner: object | null;
}

/**
 * One instance, and so one linear memory, for every engine of a kind. Each memory reserves
 * about 10 GB of address space (guard pages), so one per module ran out after ~12,950 live
 * modules, and every later first forward spent ~1.7 s failing to reserve another. Sharing is
 * safe because JS runs one forward at a time and an engine repacks its weights whenever another
 * engine used the memory since (`owner`); the memory grows to the largest call any module made.
 * `reset` forgets the instance (engines built before keep theirs): for tests of the fallbacks,
 * which need a fresh, small memory.
 */
export function sharedInstance<K extends { memory: WasmMemory }>(instantiate: () => K | null): { get(): SharedInstance<K> | null; reset(): void } {
  let shared: SharedInstance<K> | null | undefined;
  return {
    get(): SharedInstance<K> | null {
      if (shared === undefined) {
        const kernels = instantiate();
        shared = kernels === null ? null : { kernels, owner: null };
      }
      return shared;
    },
    reset(): void {
      shared = undefined;
    },
  };
}

/**
 * An engine on a shared instance: grows the memory, refreshes its typed-array views when growth
 * replaced the buffer (`onBuffer`), and knows when its packed weights are no longer in the memory
 * (after `markStale`, i.e. after every loadStateDict, or after another engine ran).
 */
export abstract class SharedMemoryEngine<K extends { memory: WasmMemory }> {
  private stale = true;
  private buffer: ArrayBuffer | null = null;

  protected constructor(protected readonly home: SharedInstance<K>) {}

  /** The module's parameters changed: repack before the next run. */
  markStale(): void {
    this.stale = true;
  }

  /** Views of the memory's current buffer, called after growth (which detaches the old ones). */
  protected abstract onBuffer(buffer: ArrayBuffer): void;

  protected get memory(): WasmMemory {
    return this.home.kernels.memory;
  }

  protected ensure(bytes: number): void {
    const memory = this.home.kernels.memory;
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.buffer !== memory.buffer) {
      this.buffer = memory.buffer;
      this.onBuffer(this.buffer);
    }
  }

  /**
   * Grows the memory to `end` bytes. False when it cannot (past the 4 GiB a 32-bit address
   * reaches, or out of memory): the caller then runs the scalar kernels, which give the same bits.
   */
  protected reserveBytes(end: number): boolean {
    if (end > MAX_BYTES) return false;
    try {
      this.ensure(end);
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
  }

  /** The weights must be packed (again) before this engine runs. */
  protected needsPack(): boolean {
    return this.stale || this.home.owner !== this;
  }

  /** Call after packing: the memory holds this engine's current weights. */
  protected markPacked(): void {
    this.stale = false;
    this.home.owner = this;
  }
}
