import { benchConsole } from './console.js';
console.log((await benchConsole(Number(process.argv[2] ?? 20000))).join('\n'));
