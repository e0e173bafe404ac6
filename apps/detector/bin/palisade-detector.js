#!/usr/bin/env node
// The palisade-detector CLI (built by `npm ci`): see `palisade-detector --help`.
import '../dist/main.js';
