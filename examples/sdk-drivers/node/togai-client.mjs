// A small Node client of Togai's two ingestion operations (Node 20, built-in fetch, no dependency).
//
// It is the SDK the reference Node driver (driver.mjs) wraps in the harness's own tests: an example of
// what an SDK team brings, not a published package. Its behaviour is what the harness expects of an SDK:
// an accepted event returns, a 207 returns the rejected events, every other answer throws a
// TogaiApiError with its status and body (no retry: the caller decides), a transport failure throws a
// TogaiConnectionError, and a timestamp string without an offset is refused before anything is sent.

export const DEFAULT_HOST = "https://api.togai.com";
export const VERSION = "0.1.0";

export class TogaiApiError extends Error {
  constructor(status, body) {
    super(`Togai answered ${status}: ${String(body).slice(0, 200)}`);
    this.name = "TogaiApiError";
    this.status = status;
    this.body = body;
  }
}

export class TogaiConnectionError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "TogaiConnectionError";
  }
}

export class TogaiValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = "TogaiValidationError";
  }
}

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;

function wireEvent(event) {
  const timestamp = event.timestamp;
  if (timestamp instanceof Date) {
    return { ...event, timestamp: timestamp.toISOString() };
  }
  if (typeof timestamp === "string" && !OFFSET.test(timestamp)) {
    throw new TogaiValidationError(`timestamp ${timestamp} has no offset; give a Date or an RFC 3339 string`);
  }
  return event;
}

export class TogaiClient {
  constructor({ baseUrl = DEFAULT_HOST, apiKey, timeoutMs = 10000 } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.apiKey = apiKey;
    this.timeoutMs = timeoutMs;
  }

  async ingest(event) {
    return this.post("/ingest", { event: wireEvent(event) });
  }

  async ingestBatch(events) {
    return this.post("/ingestBatch", { events: events.map(wireEvent) });
  }

  async post(path, body) {
    let response;
    let text;
    try {
      response = await fetch(this.baseUrl + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.apiKey}`,
                   "User-Agent": `togai-node-example/${VERSION}` },
        body: JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new TogaiConnectionError(`no answer from ${this.baseUrl}${path}: ${error.message}`, { cause: error });
    }
    if (response.status !== 202 && response.status !== 207) {
      throw new TogaiApiError(response.status, text);
    }
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null; // an acknowledgement whose body cannot be read is still an acknowledgement
    }
  }
}
