// Internal: argument validation shared by every public entry point. Messages name the failed
// action, then a colon and the bad value (see STYLE.md).

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

/**
 * Throws unless `n` is a non-negative safe integer: `TypeError` for a non-number, `RangeError`
 * for negative, fractional, NaN, infinite or unsafe values.
 */
export function validateSize(n: unknown, what: string, action: string): number {
  if (typeof n !== "number") {
    throw new TypeError(`Cannot ${action}: ${what} must be a number, got ${describeValue(n)}`);
  }
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot ${action}: ${what} must be a non-negative safe integer, got ${n}`,
    );
  }
  return n;
}

/** Throws unless `a` is a positive power of two no larger than 2^30. */
export function validateAlignment(a: unknown, action: string): number {
  if (typeof a !== "number") {
    throw new TypeError(`Cannot ${action}: alignment must be a number, got ${describeValue(a)}`);
  }
  if (!(a >= 1 && a <= 0x40000000 && (a & (a - 1)) === 0 && Number.isInteger(a))) {
    throw new RangeError(`Cannot ${action}: alignment must be a power of two, got ${a}`);
  }
  return a;
}

/**
 * Validates a list of dimensions and returns their product (the element count). Throws a
 * `RangeError` naming the bad dimension, or when the product is not a safe integer.
 */
export function validateDims(dims: readonly unknown[], action: string): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) {
    n *= validateSize(dims[i], `dimension ${i}`, action);
  }
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `Cannot ${action}: ${dims.join(" × ")} elements exceed Number.MAX_SAFE_INTEGER`,
    );
  }
  return n;
}

/** Rounds `offset` up to a multiple of `alignment` (a power of two). */
export function alignUp(offset: number, alignment: number): number {
  const r = offset % alignment;
  return r === 0 ? offset : offset + alignment - r;
}
