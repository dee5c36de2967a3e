// A one-line progress bar for long replays, drawn on stderr only when it is a terminal, so logs
// and pipes never see control characters.

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const NONE: Progress = { update() {}, finish() {} };

/** Redraws when the shown percentage changes, so a million records cost a hundred redraws. */
export function createProgress(stream: ProgressStream, total: number, label: string): Progress {
  if (!stream.isTTY || total <= 0) return NONE;
  let shown = -1;
  const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
  return {
    update(done) {
      const percent = Math.floor((Math.min(done, total) / total) * 100);
      if (percent === shown) return;
      shown = percent;
      const filled = Math.round((percent / 100) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}`);
    },
    finish() {
      if (shown >= 0) stream.write('\r\x1b[K');
    },
  };
}
