// What the thread tests' workers write into their allocations. Test-only.

/** The byte every allocation `i` of worker `id` is filled with (differs per worker mod 4). */
export function signature(id: number, i: number): number {
  return (i * 4 + id) & 0xff;
}
