// Runs a word-list pattern (a long alternation of words, each allowed some variation: separators,
// plurals, apostrophes) only where one of its words can begin. A plain alternation of each word's
// literal first part finds those places several times faster than the full pattern searches for
// itself; the full pattern is then tried, anchored, at each of them, so the matches are exactly
// those a global search with the full pattern finds.

export interface WordListScan {
  /** Calls `onMatch` with each match of the full pattern in `text`, left to right, as `exec` would. */
  forEach(text: string, onMatch: (m: RegExpExecArray) => void): void;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/#-]/g, '\\$&');
}

/**
 * `pattern` is the full alternation (its flags are kept, plus sticky); `stems` the literal text
 * every match begins with, one per word, each starting with a word character, so a `\b` before it
 * holds wherever a match of `pattern` (which begins with `\b`) does.
 */
export function wordListScan(pattern: RegExp, stems: readonly string[]): WordListScan {
  const anchored = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}y`);
  const sorted = [...new Set(stems)].sort((a, b) => b.length - a.length);
  const starts = new RegExp(`\\b(?:${sorted.map(escape).join('|')})`, 'g');
  return {
    forEach(text, onMatch) {
      let resumeAt = 0;
      starts.lastIndex = 0;
      for (let s = starts.exec(text); s !== null; s = starts.exec(text)) {
        const at = s.index;
        // One step, not past the stem: another word may begin inside it ("a/c", "driver's").
        starts.lastIndex = at + 1;
        if (at < resumeAt) continue;
        anchored.lastIndex = at;
        const m = anchored.exec(text);
        if (m === null) continue;
        onMatch(m);
        resumeAt = at + Math.max(1, m[0].length);
      }
    },
  };
}
