// Package-private: how values are described in error messages and printed. Used by every folder.

/**
 * A short description of any value for error messages: its name, type or literal.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "function") return value.name || "an anonymous function";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  // "an UncheckedBumperAllocator" but "a Uint8Array", "a UniformSampler": by sound.
  return name ? `${/^([AEIO]|Un(?!i))/.test(name) ? "an" : "a"} ${name}` : "an object";
}

/** `[2, 3]` → `"[2, 3]"`: how shapes, strides, indices and axis lists read in messages. */
export function fmtShape(shape: readonly unknown[]): string {
  return `[${shape.join(", ")}]`;
}

/** The head of an array's description: `NDArray<Float64Array 2×3>`, `…<Int32Array scalar>`. */
export function describeHead(kind: string, dtype: string, shape: readonly number[]): string {
  return `${kind}<${dtype} ${shape.length === 0 ? "scalar" : shape.join("×")}>`;
}

/** Whether `data` holds bigints. */
export function isBigIntData(data: unknown): boolean {
  return data instanceof BigInt64Array || data instanceof BigUint64Array;
}

/** The zero of `data`'s element type (`0n` for BigInt arrays). */
export function zeroOf(data: ArrayBufferView): number | bigint {
  return isBigIntData(data) ? 0n : 0;
}

/**
 * The error for an array whose typed array was detached (its ArrayBuffer transferred, or the
 * WebAssembly memory it lies in grew): it is empty, so its elements would read as `undefined`.
 */
export function detachedError(action: string, what = "the array"): TypeError {
  return new TypeError(
    `Cannot ${action}: ${what}'s memory was detached (its ArrayBuffer was transferred, or the WebAssembly.Memory it lies in grew, which empties every view of a non-shared memory); its elements can no longer be reached through it`,
  );
}
