package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** {@code --json} documents print as databind's default pretty printer prints them, without databind. */
class JsonTest {
    @Test
    void printsWhatDatabindPrintsForEveryKindOfValue() {
        Map<String, Object> inner = Json.object("quoted", "q\"\\\n\u0001\u00e9", "none", null, "empty", List.of(),
                "nothing", new LinkedHashMap<>());
        Object document = Json.object("int", 1, "long", 5_000_000_000L, "double", 1.5, "float", 2.25f, "short", (short) 3,
                "true", true, "false", false, "big", new BigInteger("123456789012345678901234"),
                "decimal", new BigDecimal("1.10"), "list", List.of(1, "x", inner, List.of(List.of())), "object", inner);
        assertEquals(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(document)
                + System.lineSeparator(), print(document));
    }

    @Test
    void aValueOfAnotherKindIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> print(Json.object("uuid", new UUID(0, 1))));
        assertTrue(e.getMessage().startsWith("no JSON view of a java.util.UUID"), e.getMessage());
    }

    private static String print(Object document) {
        StringWriter text = new StringWriter();
        Json.print(new PrintWriter(text), document);
        return text.toString();
    }
}
