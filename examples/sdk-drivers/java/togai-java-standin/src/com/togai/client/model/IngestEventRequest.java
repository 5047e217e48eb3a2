package com.togai.client.model;

/** STAND-IN model: the body of ingest, one event. */
public class IngestEventRequest {
    private Event event;

    public IngestEventRequest event(Event event) { this.event = event; return this; }
    public Event getEvent() { return event; }
}
