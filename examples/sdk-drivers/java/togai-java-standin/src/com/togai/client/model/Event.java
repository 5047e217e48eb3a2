package com.togai.client.model;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** STAND-IN model (the generated client's Event shape): fluent setters, a typed timestamp. */
public class Event {
    private String id;
    private String schemaName;
    private OffsetDateTime timestamp;
    private String accountId;
    private List<Attribute> attributes;
    private Map<String, String> dimensions;

    public Event id(String id) { this.id = id; return this; }
    public Event schemaName(String schemaName) { this.schemaName = schemaName; return this; }
    public Event timestamp(OffsetDateTime timestamp) { this.timestamp = timestamp; return this; }
    public Event accountId(String accountId) { this.accountId = accountId; return this; }

    public Event addAttributesItem(Attribute attribute) {
        if (attributes == null) attributes = new ArrayList<>();
        attributes.add(attribute);
        return this;
    }

    public Event putDimensionsItem(String key, String value) {
        if (dimensions == null) dimensions = new LinkedHashMap<>();
        dimensions.put(key, value);
        return this;
    }

    public OffsetDateTime getTimestamp() { return timestamp; }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("schemaName", schemaName);
        map.put("id", id);
        map.put("timestamp", timestamp);
        map.put("accountId", accountId);
        if (attributes != null) map.put("attributes", attributes.stream().map(Attribute::toMap).toList());
        map.put("dimensions", dimensions);
        return map;
    }

    @SuppressWarnings("unchecked")
    public static Event fromMap(Map<String, Object> map) {
        Event event = new Event().id((String) map.get("id")).schemaName((String) map.get("schemaName"))
                .accountId((String) map.get("accountId"));
        Object time = map.get("timestamp");
        if (time instanceof String text) event.timestamp(OffsetDateTime.parse(text));
        if (map.get("attributes") instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> attribute = (Map<String, Object>) item;
                event.addAttributesItem(new Attribute().name((String) attribute.get("name"))
                        .value((String) attribute.get("value")).unit((String) attribute.get("unit")));
            }
        }
        if (map.get("dimensions") instanceof Map<?, ?> dims) {
            dims.forEach((key, value) -> event.putDimensionsItem(String.valueOf(key), String.valueOf(value)));
        }
        return event;
    }

    @Override
    public String toString() { return "class Event " + toMap(); }
}
