// A crowd of HTTP clients in a process of its own (so its work does not slow the server under test):
// reads { url, concurrency, requests: [{ address, body }] } on stdin, POSTs each as JSON with
// X-Forwarded-For set to its address, and prints one JSON summary on stdout.
const input = JSON.parse(
  await new Promise((resolve) => {
    let buf = '';
    process.stdin.on('data', (d) => (buf += d));
    process.stdin.on('end', () => resolve(buf));
  }),
);
const statuses = {};
const accepted = [];
const failures = [];
let badRetryAfter = 0;
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: input.concurrency }, async () => {
    while (next < input.requests.length) {
      const r = input.requests[next++];
      try {
        const res = await fetch(input.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': r.address },
          body: JSON.stringify(r.body),
        });
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 200 || res.status === 201)
          accepted.push({ status: res.status, receipt: JSON.parse(text).receipt });
        else if (res.status === 429) {
          if (!(Number(res.headers.get('retry-after')) >= 1)) badRetryAfter++;
        } else failures.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  }),
);
process.stdout.write(
  JSON.stringify({ ms: Date.now() - started, statuses, accepted, failures, badRetryAfter }),
);
