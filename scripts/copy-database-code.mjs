// The build: src/<domain>/sql/*.sql next to the compiled code (dist/src/...), where loadDatabaseCode reads them.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

for (const folder of readdirSync('src')) {
  if (!existsSync(`src/${folder}/sql`)) continue;
  mkdirSync(`dist/src/${folder}/sql`, { recursive: true });
  for (const file of readdirSync(`src/${folder}/sql`))
    if (file.endsWith('.sql')) cpSync(`src/${folder}/sql/${file}`, `dist/src/${folder}/sql/${file}`);
}
