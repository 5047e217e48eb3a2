package com.togai.client.api;

import com.togai.client.ApiClient;
import com.togai.client.ApiException;
import com.togai.client.JSON;
import com.togai.client.model.Event;
import com.togai.client.model.IngestBatchEventRequest;
import com.togai.client.model.IngestBatchEventResponse;
import com.togai.client.model.IngestError;
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
        check(client.post("/ingest", JSON.write(Map.of("event", request.getEvent().toMap()))));
    }

    public IngestBatchEventResponse ingestBatch(IngestBatchEventRequest request) throws ApiException {
        List<Object> events = request.getEvents().stream().map(e -> (Object) e.toMap()).toList();
        HttpResponse<String> answer = check(client.post("/ingestBatch", JSON.write(Map.of("events", events))));
        return readBatchAnswer(answer.body());
    }

    /** 202 and 207 are answers; anything else is an ApiException with its status and body. */
    static HttpResponse<String> check(HttpResponse<String> answer) throws ApiException {
        if (answer.statusCode() != 202 && answer.statusCode() != 207) {
            throw new ApiException(answer.statusCode(), "Togai answered " + answer.statusCode(), answer.body());
        }
        return answer;
    }

    @SuppressWarnings("unchecked")
    static IngestBatchEventResponse readBatchAnswer(String body) {
        IngestBatchEventResponse response = new IngestBatchEventResponse();
        try {
            Object parsed = body == null || body.isBlank() ? null : JSON.read(body);
            if (parsed instanceof Map<?, ?> map && map.get("errors") instanceof List<?> errors) {
                for (Object item : errors) {
                    Map<String, Object> error = (Map<String, Object>) item;
                    Object payload = error.get("eventPayload");
                    response.addErrorsItem(new IngestError().message(String.valueOf(error.get("message")))
                            .eventPayload(payload instanceof Map<?, ?> p ? Event.fromMap((Map<String, Object>) p) : null));
                }
            }
        } catch (RuntimeException unreadable) {
            // an acknowledgement whose body cannot be read is still an acknowledgement
        }
        return response;
    }
}
