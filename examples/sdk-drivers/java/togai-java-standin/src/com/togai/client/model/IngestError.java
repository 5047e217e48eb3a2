package com.togai.client.model;

/** STAND-IN model: one event a 207 did not accept, echoed, with why. */
public class IngestError {
    private String message;
    private Event eventPayload;

    public IngestError message(String message) { this.message = message; return this; }
    public IngestError eventPayload(Event eventPayload) { this.eventPayload = eventPayload; return this; }
    public String getMessage() { return message; }
    public Event getEventPayload() { return eventPayload; }

    @Override
    public String toString() { return "class IngestError {message: " + message + ", eventPayload: " + eventPayload + "}"; }
}
