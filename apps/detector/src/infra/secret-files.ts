import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG } from './injection-tokens.js';

/** Secrets generated into PALISADE_HOME on first start (admin token, webhook and export keys), mode 0600. */
@Injectable()
export class SecretFiles {
  constructor(@Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig) {}

  readOrCreate(name: string, generate: () => string): { value: string; created: boolean; file: string } {
    const dir = path.join(this.config.home, 'secrets');
    const file = path.join(dir, name);
    if (existsSync(file)) {
      const value = readFileSync(file, 'utf8').trim();
      if (value) return { value, created: false, file };
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const value = generate();
    try {
      // `wx`: if another process created it in the meantime, read theirs instead.
      writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      return { value, created: true, file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: readFileSync(file, 'utf8').trim(), created: false, file };
      throw error;
    }
  }
}
