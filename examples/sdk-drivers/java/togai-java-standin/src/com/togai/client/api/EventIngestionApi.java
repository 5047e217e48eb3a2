package com.togai.client.api;

import com.togai.client.ApiClient;
import com.togai.client.ApiException;
import com.togai.client.JSON;
import com.togai.client.model.IngestBatchEventRequest;
import com.togai.client.model.IngestBatchEventResponse;
import com.togai.client.model.IngestEventRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * STAND-IN for the generated client's EventIngestionApi (the shape Togai's Java SDK documents: ingest and
 * ingestBatch, ApiException carrying the status and the body). Written for the harness's tests. Not Togai's SDK.
 */
public class EventIngestionApi {
    private final ApiClient client;

    public EventIngestionApi(ApiClient client) { this.client = client; }

    public void ingest(IngestEventRequest request) throws ApiException {
        Answers.check(client.post("/ingest", JSON.write(Map.of("event", request.getEvent().toMap()))));
    }

    public IngestBatchEventResponse ingestBatch(IngestBatchEventRequest request) throws ApiException {
        List<Object> events = request.getEvents().stream().map(e -> (Object) e.toMap()).toList();
        HttpResponse<String> answer = Answers.check(client.post("/ingestBatch", JSON.write(Map.of("events", events))));
        return Answers.readBatchAnswer(answer.body());
    }
}
