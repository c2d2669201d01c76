// Internal: shared by the array classes and `similar`. Not part of the public API.
//
// - The trusted-construction token lets views and `similar` create arrays without re-validating
//   what the library itself computed (validate once at the public boundary).
// - The allocation sites of CheckedAllocArrays, while recording is on.

/**
 * The token of trusted construction: library code passes it as the constructor argument after
 * the layout (`new NDArray(data, shape, strides, offset, TRUSTED)`, and the same for
 * `AllocArray`; after the validity for `CheckedAllocArray`) when the library computed the
 * layout, and the constructor then skips validating it.
 *
 * Tokens are constants, not state: nothing is set before or reset after a construction, so a
 * constructor that throws or re-enters cannot leave a mark for the next one. Users cannot
 * forge trusted construction: this file is package-private, the tokens are only ever passed
 * to the library's own constructors, never stored where user code can read them, and any
 * other value in that position is ignored (the arguments are validated).
 */
export const TRUSTED: unique symbol = Symbol("allocarrays.trusted");

/**
 * The token of wrapping: `new NDArray(source, undefined, undefined, undefined, WRAP)` takes the
 * layout of the n-d array `source` from its private fields, not from its getters (which a
 * subclass may override), so it needs no validation either.
 */
export const WRAP: unique symbol = Symbol("allocarrays.wrap");

/** The type of the construction tokens. */
export type Trusted = typeof TRUSTED | typeof WRAP;

/**
 * The arguments of the library's own construction of an array class (its hidden constructor
 * overload): the data (with {@linkcode WRAP}, the n-d array whose layout is taken), the
 * layout, what the class adds (`E`: a `CheckedAllocArray`'s validity), then a token.
 */
export type TrustedArgs<D, E extends unknown[] = []> = [
  data: D,
  shape: readonly number[] | undefined,
  strides: readonly number[] | undefined,
  offset: number | undefined,
  ...extra: E,
  trusted: Trusted,
];

// Allocation sites of CheckedAllocArrays, kept only while recording is on
// (`CheckedAllocArray.recordAllocationSites`). A WeakMap, so recording adds no field to every
// array and never keeps an array alive; `anySites` keeps the lookups off the path until then.
const sites = new WeakMap<object, string>();
let anySites = false;

// Stack frames in these directories are the library's own (similar, copy, the operations, …),
// not the site.
const LIBRARY_DIRS = [
  new URL(".", import.meta.url).href,
  new URL("../_internal/", import.meta.url).href,
];

function isLibraryFrame(line: string): boolean {
  return LIBRARY_DIRS.some((dir) => line.includes(dir));
}

/**
 * Records the current stack, from the first frame outside the library, as `array`'s site. When
 * every frame looks like the library's (a bundle puts the library and the application in one
 * file), the whole stack is kept: its first frames are the library's, the caller's follow.
 */
export function recordSite(array: object): void {
  const stack = new Error().stack;
  if (stack === undefined) return;
  const lines = stack.split("\n").slice(1);
  let i = 0;
  while (i < lines.length && isLibraryFrame(lines[i])) i++;
  sites.set(array, lines.slice(i < lines.length ? i : 0).join("\n"));
  anySites = true;
}

/** `array`'s recorded allocation site, if any. */
export function allocationSite(array: object): string | undefined {
  return anySites ? sites.get(array) : undefined;
}

/** Gives `view` the allocation site of `parent`, if it has one. */
export function copySite(parent: object, view: object): void {
  if (!anySites) return;
  const site = sites.get(parent);
  if (site !== undefined) sites.set(view, site);
}
