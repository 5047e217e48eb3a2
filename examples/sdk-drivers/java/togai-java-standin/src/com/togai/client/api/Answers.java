package com.togai.client.api;

import com.togai.client.ApiException;
import com.togai.client.JSON;
import com.togai.client.model.Event;
import com.togai.client.model.IngestBatchEventResponse;
import com.togai.client.model.IngestError;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** STAND-IN: how the stand-in's EventIngestionApi reads an answer (kept apart so a test build can reuse it). */
public final class Answers {
    private Answers() {}

    /** 202 and 207 are answers; anything else is an ApiException with its status and body. */
    public static HttpResponse<String> check(HttpResponse<String> answer) throws ApiException {
        if (answer.statusCode() != 202 && answer.statusCode() != 207) {
            throw new ApiException(answer.statusCode(), "Togai answered " + answer.statusCode(), answer.body());
        }
        return answer;
    }

    @SuppressWarnings("unchecked")
    public static IngestBatchEventResponse readBatchAnswer(String body) {
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
