import { run } from './runtime.ts';

await run();
