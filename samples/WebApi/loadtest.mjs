// Drives POST /predict with autocannon for a fixed time and prints one JSON line of results.
// Usage: node loadtest.mjs <base url> <connections> <seconds> <texts file> <autocannon folder>
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [url, connections, seconds, textsFile, modulesFolder] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modulesFolder), 'package.json'));
const autocannon = require('autocannon');
// Yelp sentences (the text before the tab): texts of many lengths, as real traffic has.
const texts = readFileSync(textsFile, 'utf8').split('\n').filter(l => l.includes('\t')).map(l => l.slice(0, l.lastIndexOf('\t')));
let next = 0;
const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [{
    method: 'POST',
    path: '/predict',
    headers: { 'content-type': 'application/json' },
    setupRequest: request => ({ ...request, body: JSON.stringify({ text: texts[next++ % texts.length] }) }),
  }],
});
console.log(JSON.stringify({
  connections: Number(connections),
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts + result.non2xx,
  total: result.requests.total,
}));
