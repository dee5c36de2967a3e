import { benchLimits } from '../../bench/limits.js';
console.log((await benchLimits()).join('\n'));
