// The reference Node client with one fault, chosen by FAULT (the harness's driver tests provoke each):
// drops-rejected returns nothing for a 207, naive-timestamp sends timestamps without their offset,
// crash-on-empty-202 reads the empty body of an /ingest 202 as an object.
import { TogaiClient as Reference } from "../../../examples/sdk-drivers/node/togai-client.mjs";

export * from "../../../examples/sdk-drivers/node/togai-client.mjs";
export const NAME = `togai-node-example-${process.env.FAULT}`;

export class TogaiClient extends Reference {
  async post(path, body) {
    const fault = process.env.FAULT;
    if (fault === "naive-timestamp") {
      const naive = (event) => ({ ...event, timestamp: String(event.timestamp).replace(/(Z|[+-]\d\d:\d\d)$/i, "") });
      body = body.event ? { event: naive(body.event) } : { events: body.events.map(naive) };
    }
    const value = await super.post(path, body);
    if (fault === "crash-on-empty-202" && path === "/ingest") return value.accepted;
    if (fault === "drops-rejected" && value?.errors?.length) return {};
    return value;
  }
}
