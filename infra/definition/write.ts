import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DEFINITION_PATH } from '../workflow-definition.js';
import { renderDefinition } from './incident-response.js';

writeFileSync(DEFINITION_PATH, renderDefinition());
console.log(`wrote ${relative(process.cwd(), DEFINITION_PATH)}`);
