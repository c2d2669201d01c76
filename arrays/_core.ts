// Internal: shared by the array classes and `similar`. Not part of the public API.
//
// - The "trusted construction" flag lets views and `similar` create arrays without re-validating
//   what the library itself computed (validate once at the public boundary).
// - The allocation sites of CheckedAllocArrays, while recording is on.

let trusted = false;

/**
 * Marks the next array construction as trusted: its shape, strides and offset were computed by
 * the library and are not validated again. The next constructor call consumes the mark.
 */
export function markTrusted(): void {
  trusted = true;
}

/** Whether the running construction is trusted; consumes the mark. */
export function consumeTrusted(): boolean {
  if (trusted) {
    trusted = false;
    return true;
  }
  return false;
}

/**
 * `new C(data, shape, strides, offset)` without validation: for layouts the library computed.
 */
export function constructTrusted<D, A, E = undefined>(
  C: new (data: D, shape: number[], strides: number[], offset: number, extra?: E) => A,
  data: D,
  shape: number[],
  strides: number[],
  offset: number,
  extra?: E,
): A {
  // Every array constructor consumes the mark before anything that can throw (no try/finally:
  // this is on every view's and every `similar`'s path).
  trusted = true;
  return new C(data, shape, strides, offset, extra);
}

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

/** Records the current stack, from the first frame outside the library, as `array`'s site. */
export function recordSite(array: object): void {
  const stack = new Error().stack;
  if (stack === undefined) return;
  const lines = stack.split("\n").slice(1);
  let i = 0;
  while (i < lines.length - 1 && isLibraryFrame(lines[i])) i++;
  sites.set(array, lines.slice(i).join("\n"));
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
