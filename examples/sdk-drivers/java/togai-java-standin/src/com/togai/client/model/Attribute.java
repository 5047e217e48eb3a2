package com.togai.client.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** STAND-IN model (the generated client's Attribute shape): a metered quantity of an event. */
public class Attribute {
    private String name;
    private String value;
    private String unit;

    public Attribute name(String name) { this.name = name; return this; }
    public Attribute value(String value) { this.value = value; return this; }
    public Attribute unit(String unit) { this.unit = unit; return this; }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("value", value);
        map.put("unit", unit);
        return map;
    }

    @Override
    public String toString() { return "class Attribute " + toMap(); }
}
