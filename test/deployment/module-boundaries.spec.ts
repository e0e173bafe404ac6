import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '@palisade/test-support';

// The architecture is enforced by lint (`@nx/enforce-module-boundaries` with the tags of each package):
// these cases show the rule rejects what the architecture forbids and accepts what it allows.
const eslint = new ESLint({ cwd: REPO });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('keeps the detection engine pure: it may import only the schema', async () => {
    expect(await boundaryErrors('libs/detection/src/probe.ts', "import { type Store } from '@palisade/store';\nexport type S = Store;\n")).toEqual([expect.stringContaining('scope:detection')]);
    expect(await boundaryErrors('libs/detection/src/probe.ts', "import { type Bus } from '@palisade/bus';\nexport type B = Bus;\n")).toHaveLength(1);
    expect(await boundaryErrors('libs/detection/src/probe.ts', "import { type Alert } from '@palisade/schema';\nexport type A = Alert;\n")).toEqual([]);
  });

  it('keeps adapters out of the dashboard: it talks to the detector API', async () => {
    expect(await boundaryErrors('apps/dashboard/lib/probe.ts', "import { type Store } from '@palisade/store';\nexport type S = Store;\n")).toHaveLength(1);
    expect(await boundaryErrors('apps/dashboard/lib/probe.ts', "import { type Bus } from '@palisade/bus';\nexport type B = Bus;\n")).toHaveLength(1);
    expect(await boundaryErrors('apps/dashboard/lib/probe.ts', "import { type Incident } from '@palisade/schema';\nexport type I = Incident;\n")).toEqual([]);
  });

  it('lets the detector use every library, and no library or app import an app', async () => {
    expect(await boundaryErrors('apps/detector/src/probe.ts', "import { type Store } from '@palisade/store';\nimport { type Bus } from '@palisade/bus';\nexport type X = [Store, Bus];\n")).toEqual([]);
    expect(await boundaryErrors('libs/store/src/probe.ts', "import { createDetectorApp } from '@palisade/detector';\nexport const f = createDetectorApp;\n")).toHaveLength(1);
    expect(await boundaryErrors('apps/collector/src/probe.ts', "import { createDetectorApp } from '@palisade/detector';\nexport const f = createDetectorApp;\n")).toHaveLength(1);
    expect(await boundaryErrors('libs/bus/src/probe.ts', "import { type Store } from '@palisade/store';\nexport type S = Store;\n")).toHaveLength(1);
  });

  it('keeps the test helpers out of product code', async () => {
    const probe = "import { waitFor } from '@palisade/test-support';\nexport const w = waitFor;\n";
    expect(await boundaryErrors('apps/detector/src/probe.ts', probe)).toHaveLength(1);
    expect(await boundaryErrors('apps/dashboard/lib/probe.ts', probe)).toHaveLength(1);
    expect(await boundaryErrors('libs/store/src/probe.ts', probe)).toHaveLength(1);
    expect(await boundaryErrors('apps/dashboard/test/probe.ts', probe)).toEqual([]);
    expect(await boundaryErrors('test/e2e/probe.ts', probe)).toEqual([]);
  });
});
