package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.node.POJONode;
import tools.jackson.dataformat.toml.TomlFactory;
import tools.jackson.dataformat.toml.TomlMapper;
import tools.jackson.dataformat.toml.TomlReadFeature;

/**
 * What jackson-dataformat-toml 3.1.7 does, found by experiment, on which the loader's design rests. If an
 * upgrade changes any of it, this test says which assumption to revisit.
 */
class JacksonTomlBehaviourTest {
    static final TomlMapper MAPPER = TomlMapper.builder().build();

    @Test
    void streamingTokensHaveNoLocation() {
        // the factory parses the whole document into a tree and replays it: no token knows where it was
        try (JsonParser p = MAPPER.createParser("schema = 1\n[[gpu]]\nx = 2\n")) {
            assertEquals("tools.jackson.databind.node.TreeTraversingParser", p.getClass().getName());
            int tokens = 0;
            while (p.nextToken() != null) {
                tokens++;
                assertTrue(p.currentTokenLocation().getLineNr() < 1, "token location " + p.currentTokenLocation());
                assertTrue(p.currentLocation().getLineNr() < 1, "current location " + p.currentLocation());
            }
            assertEquals(11, tokens);
        }
    }

    @Test
    void syntaxErrorColumnsCountUtf16Chars() {
        // "x" sits at code point column 10 but UTF-16 column 11, after a surrogate pair
        JacksonException e = assertThrows(JacksonException.class, () -> MAPPER.readTree("a = \"é\uD83D\uDE00\" x\n"));
        assertEquals(1, e.getLocation().getLineNr());
        assertEquals(11, e.getLocation().getColumnNr());
        // and the loader reports code points
        var c = assertThrows(io.mdevgpu.ConfigException.class, () -> ConfigLoader.parse("a = \"é\uD83D\uDE00\" x\n"));
        assertEquals(10, c.column());
    }

    @Test
    void duplicateKeysAreReportedAfterTheValue() {
        JacksonException e = assertThrows(JacksonException.class, () -> MAPPER.readTree("a = 1\na = 2\n"));
        assertEquals("Duplicate key", e.getOriginalMessage());
        assertEquals(3, e.getLocation().getLineNr(), "jackson points at the line after the duplicate");
        var c = assertThrows(io.mdevgpu.ConfigException.class, () -> ConfigLoader.parse("a = 1\na = 2\n"));
        assertEquals(2, c.line());
        assertEquals(1, c.column());
    }

    @Test
    void nestingLimitHasNoLocation() {
        TomlMapper strict = TomlMapper.builder(TomlFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build()).build()).build();
        StreamConstraintsException e = assertThrows(StreamConstraintsException.class,
                () -> strict.readTree("a = [[[[[[1]]]]]]\n"));
        assertNull(e.getLocation());
    }

    @Test
    void surrogateEscapesAreAccepted() {
        // TOML allows only Unicode scalar values; jackson hands out a lone surrogate, which UTF-8 cannot encode
        assertEquals("\uD800", MAPPER.readTree("a = \"\\uD800\"\n").get("a").stringValue());
    }

    @Test
    void nulEscapesAndDatesPassJackson() {
        assertEquals("\0", MAPPER.readTree("a = \"\\u0000\"\n").get("a").stringValue());
        // without PARSE_JAVA_TIME a date would be a string that a name accepts
        assertTrue(MAPPER.readTree("d = 1979-05-27\n").get("d").isString());
        var withTime = TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();
        POJONode date = assertInstanceOf(POJONode.class, withTime.readTree("d = 1979-05-27\n").get("d"));
        assertEquals(LocalDate.of(1979, 5, 27), date.getPojo());
    }
}
