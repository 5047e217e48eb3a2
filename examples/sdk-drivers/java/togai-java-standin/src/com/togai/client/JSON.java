package com.togai.client;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stand-in's JSON: maps, lists, strings, numbers, booleans, null and OffsetDateTime (RFC 3339). */
public final class JSON {
    private JSON() {}

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof OffsetDateTime time) {
            quote(time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), out);
        } else if (value instanceof String text) {
            quote(text, out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() == null) continue;
                out.append(separator);
                quote(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out);
                separator = ",";
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(',');
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            quote(value.toString(), out);
        }
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c)); else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** Parses a JSON text; an IllegalArgumentException says where it is not JSON. */
    public static Object read(String text) {
        Reader reader = new Reader(text);
        Object value = reader.value();
        reader.space();
        if (reader.at < text.length()) throw new IllegalArgumentException("trailing text at " + reader.at);
        return value;
    }

    private static final class Reader {
        final String text;
        int at;

        Reader(String text) { this.text = text; }

        void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        char next() {
            if (at >= text.length()) throw new IllegalArgumentException("unexpected end at " + at);
            return text.charAt(at++);
        }

        Object value() {
            space();
            char c = next();
            switch (c) {
                case '{' -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    space();
                    if (text.startsWith("}", at)) { at++; return map; }
                    do {
                        space();
                        if (next() != '"') throw new IllegalArgumentException("a key expected at " + (at - 1));
                        String key = string();
                        space();
                        if (next() != ':') throw new IllegalArgumentException("':' expected at " + (at - 1));
                        map.put(key, value());
                        space();
                    } while (next() == ',');
                    if (text.charAt(at - 1) != '}') throw new IllegalArgumentException("'}' expected at " + at);
                    return map;
                }
                case '[' -> {
                    List<Object> list = new ArrayList<>();
                    space();
                    if (text.startsWith("]", at)) { at++; return list; }
                    do { list.add(value()); space(); } while (next() == ',');
                    if (text.charAt(at - 1) != ']') throw new IllegalArgumentException("']' expected at " + at);
                    return list;
                }
                case '"' -> { return string(); }
                default -> {
                    int start = at - 1;
                    while (at < text.length() && "+-0123456789.eEtruefalsn".indexOf(text.charAt(at)) >= 0) at++;
                    String word = text.substring(start, at);
                    return switch (word) {
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        case "null" -> null;
                        default -> {
                            try { yield Double.valueOf(word); }
                            catch (NumberFormatException e) { throw new IllegalArgumentException("not JSON at " + start); }
                        }
                    };
                }
            }
        }

        String string() {
            StringBuilder out = new StringBuilder();
            for (char c = next(); c != '"'; c = next()) {
                if (c != '\\') { out.append(c); continue; }
                char escaped = next();
                switch (escaped) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> { out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; }
                    default -> out.append(escaped);
                }
            }
            return out.toString();
        }
    }
}
