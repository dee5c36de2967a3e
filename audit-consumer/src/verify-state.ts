// The auditor's memory between runs of verify: the last verified checkpoint of each log, so a log that shrank or rewrote its history is caught.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { AuditError, type LogVerifyResult } from '@palisade/ledger';

interface StateFile {
  version: 1;
  /** Latest verified signed checkpoint note, by log origin. */
  checkpoints: Record<string, string>;
}

function isState(value: unknown): value is StateFile {
  const v = value as Partial<StateFile> | null;
  return (
    v?.version === 1 &&
    typeof v.checkpoints === 'object' &&
    v.checkpoints !== null &&
    Object.values(v.checkpoints).every((c) => typeof c === 'string')
  );
}

/** Checkpoint notes remembered in `file`; none when the file does not exist yet. */
export async function loadVerifyState(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AuditError('AUD_ERR_STATE_INVALID', { cause: err, detail: `Reading ${file}.` });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AuditError('AUD_ERR_STATE_INVALID', { cause, detail: `${file} is not JSON.` });
  }
  if (!isState(value)) throw new AuditError('AUD_ERR_STATE_INVALID', { detail: `${file} is not a verify state file.` });
  return Object.values(value.checkpoints);
}

/** Remembers the checkpoints of the logs that verified; logs that failed keep their previous entry. */
export async function saveVerifyState(file: string, logs: readonly LogVerifyResult[]): Promise<void> {
  let state: StateFile = { version: 1, checkpoints: {} };
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (isState(value)) state = value;
  } catch {
    // A missing or unreadable state starts afresh; loadVerifyState already reported unreadable ones.
  }
  for (const l of logs) if (l.ok && l.origin && l.checkpoint) state.checkpoints[l.origin] = l.checkpoint;
  try {
    await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  } catch (cause) {
    throw new AuditError('AUD_ERR_STATE_INVALID', { cause, detail: `Writing ${file}.` });
  }
}
