package com.togai.client.model;

import java.util.ArrayList;
import java.util.List;

/** STAND-IN model: the answer to ingestBatch, the events it did not accept (none on a 202). */
public class IngestBatchEventResponse {
    private final List<IngestError> errors = new ArrayList<>();

    public IngestBatchEventResponse addErrorsItem(IngestError error) { errors.add(error); return this; }
    public List<IngestError> getErrors() { return errors; }

    @Override
    public String toString() { return "class IngestBatchEventResponse {errors: " + errors + "}"; }
}
