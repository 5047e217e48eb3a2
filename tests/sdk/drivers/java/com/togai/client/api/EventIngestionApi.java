package com.togai.client.api;

import com.togai.client.ApiClient;
import com.togai.client.ApiException;
import com.togai.client.JSON;
import com.togai.client.model.IngestBatchEventRequest;
import com.togai.client.model.IngestBatchEventResponse;
import com.togai.client.model.IngestEventRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FAULTY build of the stand-in's EventIngestionApi, for the harness's driver tests: put before the stand-in on
 * the classpath, it replaces it (the only change, as a release candidate's jar would be). FAULT chooses:
 * drops-rejected returns no rejected events for a 207, naive-timestamp sends timestamps without their offset,
 * crash-on-empty-202 reads the empty body of an /ingest 202 as an object.
 */
public class EventIngestionApi {
    private static final String FAULT = System.getenv().getOrDefault("FAULT", "");
    private final ApiClient client;

    public EventIngestionApi(ApiClient client) { this.client = client; }

    public void ingest(IngestEventRequest request) throws ApiException {
        HttpResponse<String> answer = Answers.check(client.post("/ingest",
                JSON.write(Map.of("event", wire(request.getEvent().toMap())))));
        if (FAULT.equals("crash-on-empty-202")) {
            Object parsed = answer.body().isEmpty() ? null : JSON.read(answer.body());
            parsed.hashCode();
        }
    }

    public IngestBatchEventResponse ingestBatch(IngestBatchEventRequest request) throws ApiException {
        List<Object> events = request.getEvents().stream().map(e -> (Object) wire(e.toMap())).toList();
        HttpResponse<String> answer = Answers.check(client.post("/ingestBatch", JSON.write(Map.of("events", events))));
        if (FAULT.equals("drops-rejected") && answer.statusCode() == 207) return new IngestBatchEventResponse();
        return Answers.readBatchAnswer(answer.body());
    }

    private static Map<String, Object> wire(Map<String, Object> event) {
        Map<String, Object> sent = new LinkedHashMap<>(event);
        if (FAULT.equals("naive-timestamp") && event.get("timestamp") instanceof java.time.OffsetDateTime time) {
            sent.put("timestamp", time.toLocalDateTime().toString());
        }
        return sent;
    }
}
