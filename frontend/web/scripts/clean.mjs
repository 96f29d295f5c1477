// Removes the previous build's output but keeps dist/.gitkeep, which lets
// go:embed compile in a clone where the web app was never built.
import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) {
  if (name !== '.gitkeep') rmSync(join(dist, name), { recursive: true, force: true });
}
