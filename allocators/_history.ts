// Internal: the usage history of an AutoscalingAllocBuffer: the last `size` records and their
// maximum, in O(1) amortised per record (a ring of the records, and a deque of the ones that can
// still become the maximum: each is added and removed once), whatever `size` is.

/** The last `size` records of a run of numbers, and their maximum. */
export class History {
  readonly size: number;
  // The records, oldest first from #head, in a ring that grows up to `size` entries.
  #ring: number[] = [];
  #head = 0;
  // Serial numbers of all records ever added; #first is the oldest one still kept.
  #next = 0;
  // The candidates for the maximum: serials and values, values decreasing, from #qHead.
  #qSerial: number[] = [];
  #qValue: number[] = [];
  #qHead = 0;

  /**
   * @param size How many records to keep (at least 1).
   * @param first The first record.
   */
  constructor(size: number, first: number) {
    this.size = size;
    this.add(first);
  }

  /** Adds a record, dropping the oldest when `size` are kept already. */
  add(value: number): void {
    const serial = this.#next++;
    const ring = this.#ring;
    if (ring.length < this.size) {
      ring.push(value);
    } else {
      ring[this.#head] = value;
      this.#head = (this.#head + 1) % this.size;
    }
    const qs = this.#qSerial, qv = this.#qValue;
    while (qv.length > this.#qHead && qv[qv.length - 1] <= value) {
      qv.pop();
      qs.pop();
    }
    qs.push(serial);
    qv.push(value);
    const oldest = serial - this.size + 1;
    if (qs[this.#qHead] < oldest) this.#qHead++;
    if (this.#qHead > 64 && this.#qHead * 2 > qs.length) {
      qs.splice(0, this.#qHead);
      qv.splice(0, this.#qHead);
      this.#qHead = 0;
    }
  }

  /** The largest record kept. */
  get max(): number {
    return this.#qValue[this.#qHead];
  }

  /** The records kept, oldest first. */
  toArray(): number[] {
    const ring = this.#ring;
    return ring.slice(this.#head).concat(ring.slice(0, this.#head));
  }
}
