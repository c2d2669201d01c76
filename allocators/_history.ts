// Internal: the usage history of an AutoscalingAllocBuffer: the last `size` records and their
// maximum, in O(1) amortised per record (a ring of the records, and a deque of the ones that can
// still become the maximum: each is added and removed once), whatever `size` is. A record equal
// to every record kept (a workload that repeats one size: a reset after each run of it) costs
// two compares: it changes neither the records kept nor their maximum.

/** The last `size` records of a run of numbers, and their maximum. */
export class History {
  readonly size: number;
  // The records, oldest first from #head, in a ring that grows up to `size` entries.
  #ring: number[] = [];
  #head = 0;
  // Serial numbers of all records ever added; #first is the oldest one still kept.
  #next = 0;
  // The candidates for the maximum: serials and values, values decreasing, from #qHead up to
  // (not including) #qEnd; entries past #qEnd are left over and overwritten (a reset adds a
  // record, so this is written with indices and no division, without growing or shrinking
  // arrays in the usual case).
  #qSerial: number[] = [];
  #qValue: number[] = [];
  #qHead = 0;
  #qEnd = 0;
  // The last record (-1: none yet; records are never negative) and how many records in a row
  // have been equal to it, up to `size`: once `size` are, every record kept is that value, and
  // adding it again would leave the ring holding the same records and the deque one entry of
  // that value whose age relative to the next serial is unchanged, so it is skipped.
  #last = -1;
  #repeats = 0;

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
    if (value === this.#last) {
      if (this.#repeats === this.size) return;
      this.#repeats++;
    } else {
      this.#last = value;
      this.#repeats = 1;
    }
    const serial = this.#next++;
    const ring = this.#ring;
    if (ring.length < this.size) {
      ring.push(value);
    } else {
      const head = this.#head;
      ring[head] = value;
      this.#head = head + 1 === this.size ? 0 : head + 1;
    }
    const qs = this.#qSerial, qv = this.#qValue;
    let qHead = this.#qHead, end = this.#qEnd;
    while (end > qHead && qv[end - 1] <= value) end--;
    if (end < qs.length) {
      qs[end] = serial;
      qv[end] = value;
    } else {
      qs.push(serial);
      qv.push(value);
    }
    end++;
    if (qs[qHead] < serial - this.size + 1) qHead++;
    if (qHead > 64 && qHead * 2 > end) {
      qs.copyWithin(0, qHead, end);
      qv.copyWithin(0, qHead, end);
      end -= qHead;
      qHead = 0;
    }
    this.#qHead = qHead;
    this.#qEnd = end;
  }

  /**
   * The value of every record kept when `size` records are kept and all are equal (adding it
   * again changes nothing), else NaN.
   */
  get settled(): number {
    return this.#repeats === this.size ? this.#last : NaN;
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
