/**
 * Fair sharing of transfer slots between bays. A bay holds at most one slot (one file at a time:
 * parallel reads only thrash a recorder), and takes a new one for every file, so with more docked
 * bays than slots the bays take turns file by file instead of the first docked finishing first.
 */
export interface SlotClaim {
  /** Whether the file waiting for the slot is important (those go first, across bays). */
  important: boolean;
  /** Bytes this bay has moved so far: the least served bay goes next. */
  served: number;
  /** When the claim was made: ties go to the longest waiting. */
  since: number;
}

/** Index of the claim that gets the next free slot. */
export function pickNext(claims: readonly SlotClaim[]): number {
  let best = -1;
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i]!;
    const b = best >= 0 ? claims[best]! : undefined;
    if (!b || Number(c.important) > Number(b.important) || (c.important === b.important && (c.served < b.served || (c.served === b.served && c.since < b.since)))) best = i;
  }
  return best;
}

interface Waiter {
  important: boolean;
  served: () => number;
  since: number;
  grant: () => void;
}

export class SlotPool {
  private free: number;
  private readonly waiting: Waiter[] = [];
  private sequence = 0;

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  /** Waits for a slot; resolves with its release function. Rejects if `signal` aborts first. */
  acquire(claim: { important: boolean; served: () => number }, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ...claim,
        since: this.sequence++,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            this.free++;
            this.dispatch();
          });
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.free > 0 && this.waiting.length > 0) {
      const index = pickNext(this.waiting.map((w) => ({ important: w.important, served: w.served(), since: w.since })));
      const [next] = this.waiting.splice(index, 1);
      this.free--;
      next!.grant();
    }
  }
}
