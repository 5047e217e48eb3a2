import com.togai.client.ApiClient;
import com.togai.client.ApiException;
import com.togai.client.api.EventIngestionApi;
import com.togai.client.model.Attribute;
import com.togai.client.model.Event;
import com.togai.client.model.IngestBatchEventRequest;
import com.togai.client.model.IngestEventRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference Java driver of the harness's SDK driver protocol (docs/sdk-driver-protocol.md), JDK 17, no
 * dependency. It drives an SDK with the shape Togai's generated Java client has (ApiClient with setBasePath and
 * setBearerToken; EventIngestionApi.ingest/ingestBatch; models with fluent setters; ApiException with
 * getCode and getResponseBody): point the classpath at that client's jar instead of the stand-in to check it.
 *
 *   javac -d build -cp togai-client.jar TogaiDriver.java
 *   harness sdk --driver 'java -cp build:togai-client.jar TogaiDriver'
 *
 * Protocol lines only on standard output; anything else goes to standard error.
 */
public final class TogaiDriver {
    private static final Set<String> EVENT_FIELDS = Set.of("id", "schemaName", "timestamp", "accountId",
            "attributes", "dimensions");
    private static final Set<String> ATTRIBUTE_FIELDS = Set.of("name", "value", "unit");
    private static EventIngestionApi api;

    /** A value the SDK's typed models cannot hold: the caller could not have handed it to the SDK. */
    static final class NotExpressible extends RuntimeException {
        NotExpressible(String message) { super(message); }
    }

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // whatever the SDK prints never mixes with the protocol
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = input.readLine(); line != null; line = input.readLine()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) Json.read(line);
            switch (String.valueOf(message.get("type"))) {
                case "hello" -> protocol.println(Json.write(hello()));
                case "configure" -> {
                    ApiClient client = new ApiClient();
                    client.setBasePath((String) message.get("base_url"));
                    client.setBearerToken((String) message.get("token"));
                    api = new EventIngestionApi(client);
                    protocol.println("{\"type\":\"configured\"}");
                }
                case "call" -> protocol.println(Json.write(call(message)));
                case "bye" -> { return; }
                default -> protocol.println(Json.write(Map.of("type", "fatal", "message", "unknown message " + line)));
            }
        }
    }

    static Map<String, Object> hello() {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("protocol", 1);
        hello.put("sdk", System.getProperty("sdk.name", "togai-java"));
        hello.put("version", System.getProperty("sdk.version", sdkVersion()));
        hello.put("language", "java");
        hello.put("default_host", new ApiClient().getBasePath());
        hello.put("capabilities", List.of("ingest", "ingestBatch", "timestamp:utc", "timestamp:offset"));
        return hello;
    }

    static String sdkVersion() {
        String fromJar = ApiClient.class.getPackage().getImplementationVersion();
        if (fromJar != null) return fromJar;
        try {
            return String.valueOf(ApiClient.class.getField("VERSION").get(null));
        } catch (ReflectiveOperationException unknown) {
            return "?";
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(Map<String, Object> message) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("type", "result");
        result.put("id", message.get("id"));
        long started = System.nanoTime();
        try {
            Map<String, Object> choice = (Map<String, Object>) message.get("timestamp");
            List<Event> events = new ArrayList<>();
            for (Object event : (List<Object>) message.get("events")) events.add(event((Map<String, Object>) event, choice));
            Object value;
            if ("ingest".equals(message.get("operation"))) {
                api.ingest(new IngestEventRequest().event(events.get(0)));
                value = null;
            } else {
                IngestBatchEventRequest batch = new IngestBatchEventRequest();
                events.forEach(batch::addEventsItem);
                value = api.ingestBatch(batch);
            }
            result.put("returned", Map.of("type", value == null ? "void" : value.getClass().getName(),
                    "data", value == null ? "null" : String.valueOf(value)));
        } catch (Throwable error) { // whatever the SDK throws is the observation
            result.put("raised", raised(error));
        }
        result.put("seconds", (System.nanoTime() - started) / 1e9);
        return result;
    }

    static Map<String, Object> raised(Throwable error) {
        Map<String, Object> raised = new LinkedHashMap<>();
        raised.put("type", error.getClass().getName());
        raised.put("message", String.valueOf(error.getMessage()));
        List<String> causes = new ArrayList<>();
        boolean network = false;
        for (Throwable cause = error.getCause(); cause != null && causes.size() < 5; cause = cause.getCause()) {
            causes.add(cause.getClass().getName());
            network |= cause instanceof IOException;
        }
        raised.put("causes", causes);
        raised.put("network", network);
        if (error instanceof ApiException api) {
            raised.put("status", api.getCode() > 0 ? api.getCode() : null);
            raised.put("body", api.getResponseBody());
        }
        raised.put("crash", error instanceof RuntimeException && !(error instanceof NotExpressible));
        return raised;
    }

    /** The protocol's event as the SDK's Event, with the date-time held as the case asks. */
    @SuppressWarnings("unchecked")
    static Event event(Map<String, Object> json, Map<String, Object> choice) {
        for (String key : json.keySet()) {
            if (!EVENT_FIELDS.contains(key)) throw new NotExpressible("the SDK's Event has no field " + key);
        }
        Event event = new Event().id(text(json, "id")).schemaName(text(json, "schemaName"))
                .accountId(text(json, "accountId"));
        Object time = json.get("timestamp");
        if (time != null) {
            if (!(time instanceof String held)) throw new NotExpressible("the SDK's timestamp is an OffsetDateTime, not " + time);
            OffsetDateTime instant;
            try {
                instant = OffsetDateTime.parse(held);
            } catch (java.time.DateTimeException unreadable) {
                throw new NotExpressible("an OffsetDateTime cannot hold " + held);
            }
            if (choice != null && "utc".equals(choice.get("form"))) instant = instant.withOffsetSameInstant(ZoneOffset.UTC);
            if (choice != null && "offset".equals(choice.get("form"))) {
                instant = instant.withOffsetSameInstant(ZoneOffset.ofHoursMinutes(5, 30));
            }
            event.timestamp(instant);
        }
        if (json.get("attributes") instanceof List<?> attributes) {
            for (Object item : attributes) {
                if (!(item instanceof Map<?, ?> attribute)) throw new NotExpressible("an Attribute cannot hold " + item);
                for (Object key : attribute.keySet()) {
                    if (!ATTRIBUTE_FIELDS.contains(key)) throw new NotExpressible("the SDK's Attribute has no field " + key);
                }
                Map<String, Object> fields = (Map<String, Object>) attribute;
                event.addAttributesItem(new Attribute().name(text(fields, "name")).value(text(fields, "value"))
                        .unit(text(fields, "unit")));
            }
        } else if (json.containsKey("attributes")) {
            throw new NotExpressible("the SDK's attributes are a list, not " + json.get("attributes"));
        }
        if (json.get("dimensions") instanceof Map<?, ?> dimensions) {
            dimensions.forEach((key, value) -> event.putDimensionsItem(String.valueOf(key), textOf(value)));
        } else if (json.containsKey("dimensions")) {
            throw new NotExpressible("the SDK's dimensions are a map, not " + json.get("dimensions"));
        }
        return event;
    }

    static String text(Map<String, Object> json, String key) { return textOf(json.get(key)); }

    static String textOf(Object value) {
        if (value == null || value instanceof String) return (String) value;
        throw new NotExpressible("a String field cannot hold " + value);
    }

    /** Just enough JSON for the protocol's lines. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) { this.text = text; }

        static Object read(String text) { return new Json(text).value(); }

        static String write(Object value) {
            if (value == null) return "null";
            if (value instanceof Boolean || value instanceof Number) return value.toString();
            if (value instanceof Map<?, ?> map) {
                List<String> parts = new ArrayList<>();
                map.forEach((key, item) -> parts.add(write(String.valueOf(key)) + ":" + write(item)));
                return "{" + String.join(",", parts) + "}";
            }
            if (value instanceof List<?> list) return "[" + String.join(",", list.stream().map(Json::write).toList()) + "]";
            StringBuilder out = new StringBuilder("\"");
            for (char c : value.toString().toCharArray()) {
                if (c == '"' || c == '\\') out.append('\\').append(c);
                else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                else out.append(c);
            }
            return out.append('"').toString();
        }

        private char skip() {
            while (Character.isWhitespace(text.charAt(at))) at++;
            return text.charAt(at);
        }

        private Object value() {
            char c = skip();
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                at++;
                while (skip() != '}') {
                    String key = (String) value();
                    skip();
                    at++; // ':'
                    map.put(key, value());
                    if (skip() == ',') at++;
                }
                at++;
                return map;
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                at++;
                while (skip() != ']') {
                    list.add(value());
                    if (skip() == ',') at++;
                }
                at++;
                return list;
            }
            if (c == '"') {
                StringBuilder out = new StringBuilder();
                for (at++; text.charAt(at) != '"'; at++) {
                    char d = text.charAt(at);
                    if (d != '\\') { out.append(d); continue; }
                    char e = text.charAt(++at);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> { out.append((char) Integer.parseInt(text.substring(at + 1, at + 5), 16)); at += 4; }
                        default -> out.append(e);
                    }
                }
                at++;
                return out.toString();
            }
            int start = at;
            while (at < text.length() && "+-0123456789.eEtruefalsn".indexOf(text.charAt(at)) >= 0) at++;
            String word = text.substring(start, at);
            return switch (word) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> word.matches("-?\\d+") ? (Object) Long.valueOf(word) : (Object) Double.valueOf(word);
            };
        }
    }
}
