import { readFileSync, writeFileSync } from 'node:fs';
import { OPENAPI_JSON } from '../src/api/openapi-json.js';
import { renderConfigurationDoc } from '../src/config/docs.js';
import { renderToolsDoc } from '../src/docs/tools-doc.js';
import { renderViewBundles } from './build-views.js';

/** Writes the generated docs and view bundles; with --check, fails (exit 1) if a committed doc differs from the source. */
const generated: Record<string, string> = {
  'docs/configuration.md': renderConfigurationDoc(),
  'docs/tools.md': renderToolsDoc(),
  'docs/openapi.json': OPENAPI_JSON,
  'src/views/bundles.ts': await renderViewBundles(),
};

const check = process.argv.includes('--check');
let drift = false;
for (const [file, content] of Object.entries(generated)) {
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // A missing file is drift too.
    }
    if (current !== content) {
      drift = true;
      console.error(`${file} is out of date with its source. Run \`npm run docs\` and commit the result.`);
    }
  } else {
    writeFileSync(file, content);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = drift ? 1 : 0;
