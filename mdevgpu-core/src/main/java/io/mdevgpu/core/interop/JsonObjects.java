package io.mdevgpu.core.interop;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;

/**
 * One JSON document read through jackson-core's streaming parser into plain values: a {@code String}, a whole number
 * ({@code Integer} where it fits, else {@code Long} or {@code BigInteger}), another number ({@code Double}), a
 * {@code Boolean}, JSON null as {@code null}, an array as a {@code List} and an object as a {@code Map} with its keys
 * in file order. The definition files need nothing more; databind's tree model would load and initialise some 500
 * more classes, about 80 ms of every `mdevgpu list` on a host with definitions.
 */
final class JsonObjects {
    /** Jackson's own defaults: a key given twice keeps its last value. */
    private static final JsonFactory LENIENT = JsonFactory.builder().build();
    private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonObjects() {
    }

    /** Why a text is not one JSON value: the parser's own words, without its location boilerplate. */
    static final class NotJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The object {@code text} holds, or null when it holds another value or nothing.
     *
     * @param strictKeys refuse an object that has a key twice
     * @throws NotJson when the text is not one JSON value (content after it included)
     */
    static Map<String, Object> read(String text, boolean strictKeys) {
        try (JsonParser p = (strictKeys ? STRICT : LENIENT).createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = p.nextToken();
            if (first == null) return null;
            Object value = value(p, first);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new StreamReadException(p, "content after the JSON value at line " + p.currentTokenLocation().getLineNr()
                        + ", column " + p.currentTokenLocation().getColumnNr());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            return object;
        } catch (JacksonException e) {
            throw new NotJson(e.getOriginalMessage(), e);
        }
    }

    private static Object value(JsonParser p, JsonToken token) {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String key = p.currentName();
                    object.put(key, value(p, p.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) array.add(value(p, t));
                yield array;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> p.getIntValue();
                case LONG -> p.getLongValue();
                default -> (BigInteger) p.getBigIntegerValue();
            };
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new StreamReadException(p, "unexpected " + token);
        };
    }
}
