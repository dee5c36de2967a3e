// Makes a folder's entries durable: a created, renamed or removed file survives a crash only once its folder is fsynced too.
import { open } from 'node:fs/promises';

/** Fsyncs the folder `dir`; errors are the file system's own, for the caller to wrap in its catalogue. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
