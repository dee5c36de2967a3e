// The shape every recognizer shares: read a text (with its profile) and append what it finds.

import type { PhiRole } from '../entity-types.js';
import type { TextProfile } from '../text-profile.js';

export interface Found {
  /** A built-in entity type or the name of a custom class. */
  type: string;
  start: number;
  end: number;
  score: number;
  /** Overrides the type's part in the PHI rule for this one match (an age over 89 identifies). */
  phi?: PhiRole;
  /** Found because a context word or a custom class asked for this type: it wins a tie with another
   * type over the same span and score. */
  preferred?: boolean;
}

export interface Recognizer {
  /** The entity types this recognizer can emit, so it can be skipped when none is wanted. */
  readonly types: readonly string[];
  /** Cheap test on the profile; false means the scan cannot find anything. */
  applies(profile: TextProfile): boolean;
  scan(text: string, out: Found[], profile: TextProfile): void;
}
