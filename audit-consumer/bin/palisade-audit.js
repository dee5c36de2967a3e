#!/usr/bin/env node
// Entry point of the palisade-audit command; the implementation is the compiled src/cli.ts.
import '../dist/cli.js';
