package com.togai.client.model;

import java.util.ArrayList;
import java.util.List;

/** STAND-IN model: the body of ingestBatch, up to the batch limit of events. */
public class IngestBatchEventRequest {
    private final List<Event> events = new ArrayList<>();

    public IngestBatchEventRequest addEventsItem(Event event) { events.add(event); return this; }
    public List<Event> getEvents() { return events; }
}
