#!/usr/bin/env node
// The `palisade-collector` command: runs the built collector (`npm ci` builds it through the root `prepare`).
import '../dist/main.js';
