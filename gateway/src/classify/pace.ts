// Gives the event loop back between pieces of classification work, so one large request (a long
// prompt, many embeddings inputs, a long conversation) never holds up the requests beside it.
// Work is counted in characters read; a prompt of a few kilobytes never waits at all.

import { SLICE_CHARS } from './slices.js';

export interface Pace {
  /**
   * Counts `chars` of work done; once a slice's worth has gathered since the last turn, returns a
   * promise that settles after the event loop has run what was waiting. Otherwise undefined, so
   * small work goes on without a turn.
   */
  spend(chars: number): Promise<void> | undefined;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createPace(charsPerTurn: number = SLICE_CHARS): Pace {
  let spent = 0;
  return {
    spend(chars) {
      spent += chars;
      if (spent < charsPerTurn) return undefined;
      spent = 0;
      return nextTurn();
    },
  };
}

/** Counts work on `pace` and waits for the turn it calls for, if any. */
export async function takeTurn(pace: Pace, chars: number): Promise<void> {
  const next = pace.spend(chars);
  if (next !== undefined) await next;
}

/** Work of handling one found value, in characters read: settling, counting and placing it. */
export const ENTITY_WORK = 8;
/** Values handled between looks at the pace. */
export const ENTITY_BATCH = 1024;
