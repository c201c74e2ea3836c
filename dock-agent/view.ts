import { rename, writeFile } from 'node:fs/promises';
import { progressLine, renderTable, stateLine, type StationStatus } from './status';

/**
 * Shows the station status: the JSON status file for a dashboard, and for people either a live
 * table (on a terminal) or plain log lines (under systemd, in a file): state changes always,
 * progress (files, MB, MB/s, ETA) every `progressEveryMs` for bays that are moving bytes.
 */
export class StatusView {
  private readonly seen = new Map<number, string>();
  private lastProgress = 0;
  private drawn = 0;
  private table: string[] = [];
  private writing = false;

  constructor(
    private readonly statusFile: string,
    private readonly out: NodeJS.WriteStream,
    private readonly progressEveryMs = 10_000,
  ) {}

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  log = (line: string): void => {
    const stamped = `${new Date().toISOString()} ${line}\n`;
    if (!this.live) {
      this.out.write(stamped);
      return;
    }
    this.clear();
    this.out.write(stamped);
    this.draw();
  };

  publish(status: StationStatus, now = Date.now()): void {
    void this.writeFile(status);
    for (const bay of status.bays) {
      const said = `${bay.state}\n${bay.message}`;
      if (this.seen.get(bay.bay) !== said) {
        this.seen.set(bay.bay, said);
        this.log(stateLine(bay));
      }
    }
    if (this.live) {
      this.clear();
      this.table = renderTable(status, this.out.columns || 120);
      this.draw();
    } else if (now - this.lastProgress >= this.progressEveryMs) {
      this.lastProgress = now;
      for (const bay of status.bays) if (bay.state === 'offloading' || bay.state === 'spooling') this.log(progressLine(bay));
    }
  }

  /** Erases the table so a log line can go above it. */
  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (this.table.length === 0) return;
    this.out.write(`${this.table.join('\n')}\n`);
    this.drawn = this.table.length;
  }

  /** Atomic (write then rename), so a dashboard never reads half a file; a slow disk skips a beat rather than queueing. */
  private async writeFile(status: StationStatus): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      await writeFile(`${this.statusFile}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
      await rename(`${this.statusFile}.tmp`, this.statusFile);
    } catch (error) {
      this.log(`cannot write the status file ${this.statusFile}: ${(error as Error).message}`);
    } finally {
      this.writing = false;
    }
  }
}
