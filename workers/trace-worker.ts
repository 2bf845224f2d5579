import { run } from '../src/runtime.ts';

await run({ PROCESS_ROLES: 'worker' });
