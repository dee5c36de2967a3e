// A small tmpfs standing in for a full disk: mounted where a test keeps its ledger or spool, filled
// to the last byte on demand, freed again, and unmounted after the test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the file system refuses with ENOSPC. */
  fill(): void;
  /** Deletes the filler file. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` at `dir`; a string says why it could not (not root, no mount). */
export function mountSmallDisk(dir: string, sizeBytes: number): SmallDisk | string {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe', timeout: 10_000 });
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : String(error);
    return `a tmpfs cannot be mounted here (it needs root and mount permission): ${stderr}`;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024, 1);
      let size = chunk.length;
      // Halving the chunk on ENOSPC fills the last partial blocks too, so nothing at all is left.
      for (let i = 0; size >= 512 && i < 100_000; i++) {
        try {
          writeFileSync(filler, chunk.subarray(0, size), { flag: 'a' });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          size = Math.floor(size / 2);
        }
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe', timeout: 10_000 });
      } catch {
        // Already unmounted; nothing to release.
      }
    },
  };
}
