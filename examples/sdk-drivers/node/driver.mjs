// The reference Node driver of the harness's SDK driver protocol (docs/sdk-driver-protocol.md).
//
//   harness sdk --driver 'node examples/sdk-drivers/node/driver.mjs [path/to/client.mjs]'
//
// It wraps a client with the shape of togai-client.mjs (new TogaiClient({baseUrl, apiKey}), ingest(event),
// ingestBatch(events)); point it at your own package's module to check it. Protocol lines only on
// standard output; anything else goes to standard error.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const clientPath = resolve(process.argv[2] ?? new URL("./togai-client.mjs", import.meta.url).pathname);
const sdk = await import(pathToFileURL(clientPath).href);
const CRASHES = new Set(["TypeError", "ReferenceError", "RangeError", "SyntaxError"]);
const NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT",
                         "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "EPIPE"]);
let client = null;

const answer = (message) => process.stdout.write(JSON.stringify(message) + "\n");
console.log = console.error; // whatever the client logs never mixes with the protocol

function asHeld(events, choice) {
  // the event's date-time field as a caller may hold it: a Date, a string at +05:30, a naive string, "...Z"
  if (!choice) return events;
  return events.map((event) => {
    const instant = new Date(event[choice.field]);
    const iso = instant.toISOString();
    const shifted = new Date(instant.getTime() + 330 * 60000).toISOString().slice(0, 23) + "+05:30";
    const held = { utc: instant, offset: shifted, naive: iso.slice(0, 23), "z-string": iso }[choice.form];
    return { ...event, [choice.field]: held };
  });
}

function describeError(error) {
  const causes = [];
  let network = false;
  for (let cause = error; cause && causes.length < 6; cause = cause.cause) {
    if (cause !== error) causes.push(cause.name ?? cause.constructor?.name ?? "Error");
    if (NETWORK.has(cause.code) || cause.name === "TimeoutError" || cause.name === "AbortError") network = true;
  }
  const name = error?.name ?? "Error";
  return {
    type: name, message: String(error?.message ?? error).slice(0, 500),
    status: Number.isInteger(error?.status) ? error.status : null,
    body: error?.body == null ? null : String(error.body).slice(0, 500),
    causes, network: network || name === "TogaiConnectionError",
    crash: CRASHES.has(name) && !network,
  };
}

async function call(message) {
  const events = asHeld(message.events, message.timestamp);
  const started = performance.now();
  try {
    const value = message.operation === "ingest" ? await client.ingest(events[0]) : await client.ingestBatch(events);
    const data = value === undefined || value === null ? null : JSON.stringify(value).slice(0, 1000);
    const type = value === null || value === undefined ? "null" : (value.constructor?.name ?? typeof value);
    return { type: "result", id: message.id, returned: { type, data }, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    return { type: "result", id: message.id, raised: describeError(error),
             seconds: (performance.now() - started) / 1000 };
  }
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const message = JSON.parse(line);
  if (message.type === "hello") {
    answer({ type: "hello", protocol: 1, sdk: sdk.NAME ?? "togai-node-example", version: sdk.VERSION ?? "?",
             language: "node", default_host: sdk.DEFAULT_HOST ?? null,
             capabilities: ["ingest", "ingestBatch", "timestamp:utc", "timestamp:offset", "timestamp:naive",
                            "timestamp:z-string"] });
  } else if (message.type === "configure") {
    client = new sdk.TogaiClient({ baseUrl: message.base_url, apiKey: message.token });
    answer({ type: "configured" });
  } else if (message.type === "call") {
    answer(await call(message));
  } else if (message.type === "bye") {
    process.exit(0);
  }
}
