// Writes rewritten slot texts (redaction) back into a copy of the body, at the paths they were read
// from. Keys of free-form JSON are renamed in place, keeping their order; a string that held JSON
// must still parse, or the request is refused rather than sent broken.
import { GatewayError } from '../../errors.js';
import type { Path, Slot } from './read-body.js';

/** A slot whose text is not stored as-is: token ids are written back as the rewritten text's tokens. */
export interface EncodedSlot extends Slot {
  encode?: (text: string) => unknown;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let at: unknown = root;
  for (const p of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[p];
  return at as Record<string | number, unknown>;
}

function renameKey(holder: Record<string, unknown>, from: string, to: string): void {
  if (from === to) return;
  if (Object.hasOwn(holder, to)) throw new GatewayError('GW_ERR_REDACTION_FAILED', { detail: 'Redaction would merge two keys of the same object, so the request is not forwarded.' });
  const entries = Object.entries(holder);
  for (const [k] of entries) delete holder[k];
  for (const [k, v] of entries) holder[k === from ? to : k] = v;
}

export function writeSlots<T>(body: T, slots: readonly EncodedSlot[], texts: readonly string[]): T {
  if (slots.length !== texts.length) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'Slot and text counts differ.' });
  const copy = structuredClone(body);
  const renames: { slot: EncodedSlot; text: string }[] = [];
  slots.forEach((slot, i) => {
    const next = texts[i] as string;
    if (next === slot.text) return;
    if (slot.number) throw new GatewayError('GW_ERR_REDACTION_FAILED', { detail: `Redaction would turn a number in "${slot.field}" into text, so the request is not forwarded.` });
    if (slot.view) throw new GatewayError('GW_ERR_REDACTION_FAILED', { detail: `Redaction would have to reach into the encoding of "${slot.field}", so the request is not forwarded.` });
    if (slot.key) {
      renames.push({ slot, text: next });
      return;
    }
    if (slot.json) {
      try {
        JSON.parse(next);
      } catch (cause) {
        throw new GatewayError('GW_ERR_REDACTION_FAILED', { cause, detail: 'Redaction would break the JSON of a tool call, so the request is not forwarded.' });
      }
    }
    const last = slot.path.at(-1);
    if (last === undefined) throw new GatewayError('GW_ERR_INTERNAL', { detail: 'A slot without a path.' });
    parentOf(copy, slot.path)[last] = slot.encode ? slot.encode(next) : next;
  });
  // Deepest keys first, so a renamed parent never invalidates a child's path.
  renames.sort((a, b) => b.slot.path.length - a.slot.path.length);
  for (const { slot, text } of renames) renameKey(parentOf(copy, slot.path) as Record<string, unknown>, slot.text, text);
  return copy;
}
