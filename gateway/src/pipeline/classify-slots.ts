// Classifies every slot of a request, each distinct string once, and says for each entity type
// which fields of the API it was found in, so a policy can tell a tool description from a
// user message.
import { createPace, ENTITY_BATCH, ENTITY_WORK, pacedClassifyOf, takeTurn, type Classification, type Classifier, type Entity } from '../classify/index.js';
import type { Slot } from './fields/read-body.js';
import type { ClassificationSummary } from './decision-input.js';

/** Enough to tell where a type was found; a request naming more fields is summarised by the first. */
const MAX_FIELDS = 32;

export interface SlotClassification {
  /** Entities with `part` set to the slot index, for redaction; one per occurrence in every slot. */
  classification: Classification;
  summary: ClassificationSummary;
}

/**
 * The prompt's words are read text by text, as the injection detector expects; every other string
 * (names, ids, descriptions, schemas, metadata: dozens of short strings in a request with tools)
 * is read as one text, a blank line between them, so the recognizers pass over them once rather
 * than once each. No recognizer matches across a blank line; an entity that did would be cut at
 * the edges of the strings it touches.
 */
const SEPARATOR = '\n\n';

interface Group {
  texts: number[];
  starts: number[];
  text: string;
}

function groupOf(texts: readonly string[], ids: number[]): Group {
  const starts: number[] = [];
  let at = 0;
  for (const id of ids) {
    starts.push(at);
    at += (texts[id] as string).length + SEPARATOR.length;
  }
  return { texts: ids, starts, text: ids.map((id) => texts[id]).join(SEPARATOR) };
}

/**
 * Long texts are read in slices with turns of the event loop between them, so one large request
 * never holds up the others; a prompt of a few kilobytes is read at once, without a turn.
 */
export async function classifySlots(classifier: Classifier, slots: readonly Slot[]): Promise<SlotClassification> {
  const unique = new Map<string, number>();
  const slotsOf: number[][] = [];
  const prompt: boolean[] = [];
  slots.forEach((slot, i) => {
    let u = unique.get(slot.text);
    if (u === undefined) {
      u = unique.size;
      unique.set(slot.text, u);
      slotsOf.push([]);
      prompt.push(false);
    }
    slotsOf[u]?.push(i);
    if (slot.prompt) prompt[u] = true;
  });
  const texts = [...unique.keys()];
  const groups: Group[] = [];
  const rest: number[] = [];
  texts.forEach((_, u) => (prompt[u] ? groups.push(groupOf(texts, [u])) : rest.push(u)));
  if (rest.length > 0) groups.push(groupOf(texts, rest));
  const classify = pacedClassifyOf(classifier);
  const classified = await classify(groups.map((g) => g.text));
  const entities: Entity[] = [];
  const fields = new Map<string, Set<string>>();
  const pace = createPace();
  for (let n = 0; n < classified.entities.length; n++) {
    if (n > 0 && n % ENTITY_BATCH === 0) await takeTurn(pace, ENTITY_BATCH * ENTITY_WORK);
    const e = classified.entities[n] as Entity;
    const group = groups[e.part ?? 0];
    if (!group) continue;
    // The last string starting at or before the entity, then every string it reaches into.
    let lo = 0;
    let hi = group.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((group.starts[mid] as number) <= e.start) lo = mid;
      else hi = mid - 1;
    }
    for (let k = lo; k < group.texts.length && (group.starts[k] as number) < e.end; k++) {
      const u = group.texts[k] as number;
      const from = group.starts[k] as number;
      const start = Math.max(e.start, from) - from;
      const end = Math.min(e.end, from + (texts[u] as string).length) - from;
      if (end <= start) continue;
      for (const i of slotsOf[u] ?? []) {
        entities.push({ ...e, start, end, part: i });
        const slot = slots[i];
        if (!slot) continue;
        let set = fields.get(e.type);
        if (!set) fields.set(e.type, (set = new Set()));
        if (set.size < MAX_FIELDS) set.add(slot.field);
      }
    }
  }
  // Where a detected injection came from. A group of several strings is read again string by
  // string (rare: only when it carries the injection) to name the one that does.
  const sources = new Set<string>();
  for (const g of classified.injectionParts) {
    const members = groups[g]?.texts ?? [];
    const carriers = members.length > 1 ? (await classify(members.map((u) => texts[u] as string))).injectionParts.map((k) => members[k] as number) : members;
    for (const u of carriers.length > 0 ? carriers : members) for (const i of slotsOf[u] ?? []) sources.add(slots[i]?.source ?? 'parameter');
  }
  const summary: ClassificationSummary = { labels: classified.labels, entities: {}, injection: { ...classified.injection, tier: 'fast', sources: [...sources].sort() } };
  for (const [type, count] of Object.entries(classified.counts)) {
    summary.entities[type] = { ...count, fields: [...(fields.get(type) ?? [])].sort() };
  }
  return { classification: { ...classified, entities }, summary };
}
