// The shape every recognizer shares: read a text (with its profile) and append what it finds.

import type { EntityType } from '../entity-types.js';
import type { TextProfile } from '../text-profile.js';

export interface Found {
  type: EntityType;
  start: number;
  end: number;
  score: number;
}

export interface Recognizer {
  /** The entity types this recognizer can emit, so it can be skipped when none is wanted. */
  readonly types: readonly EntityType[];
  /** Cheap test on the profile; false means the scan cannot find anything. */
  applies(profile: TextProfile): boolean;
  scan(text: string, out: Found[]): void;
}
