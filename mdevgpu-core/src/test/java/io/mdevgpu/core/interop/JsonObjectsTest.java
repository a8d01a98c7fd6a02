package io.mdevgpu.core.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonObjectsTest {
    @Test
    void readsEveryKindOfValueKeepingTheKeysInFileOrder() {
        Map<String, Object> o = JsonObjects.read("""
                {"s": "x\\u00e9", "i": 7, "l": 4294967296, "b": 18446744073709551616, "d": 1.5, "t": true,
                 "f": false, "n": null, "a": [1, "two", [], {}], "o": {"k": "v"}}""", true);
        assertEquals(List.of("s", "i", "l", "b", "d", "t", "f", "n", "a", "o"), new ArrayList<>(o.keySet()));
        assertEquals("x\u00e9", o.get("s"));
        assertEquals(7, o.get("i"));
        assertEquals(4294967296L, o.get("l"));
        assertEquals(new BigInteger("18446744073709551616"), o.get("b"));
        assertEquals(1.5, o.get("d"));
        assertEquals(Boolean.TRUE, o.get("t"));
        assertEquals(Boolean.FALSE, o.get("f"));
        assertTrue(o.containsKey("n"));
        assertNull(o.get("n"));
        assertEquals(Arrays.asList(1, "two", List.of(), new LinkedHashMap<>()), o.get("a"));
        assertEquals(Map.of("k", "v"), o.get("o"));
    }

    @Test
    void aKeyGivenTwiceKeepsItsLastValueUnlessStrict() {
        assertEquals(Map.of("a", 2), JsonObjects.read("{\"a\": 1, \"a\": 2}", false));
        var e = assertThrows(JsonObjects.NotJson.class, () -> JsonObjects.read("{\"a\": 1, \"a\": 2}", true));
        assertTrue(e.getMessage().contains("Duplicate"), e.getMessage());
    }

    @Test
    void anotherValueOrNothingIsNoObject() {
        assertNull(JsonObjects.read("", false));
        assertNull(JsonObjects.read("  \n", false));
        assertNull(JsonObjects.read("[1]", false));
        assertNull(JsonObjects.read("\"x\"", false));
    }

    @Test
    void contentAfterTheValueOrBrokenJsonIsRefused() {
        var after = assertThrows(JsonObjects.NotJson.class, () -> JsonObjects.read("{}\n{}", false));
        assertEquals("content after the JSON value at line 2, column 1", after.getMessage());
        var broken = assertThrows(JsonObjects.NotJson.class, () -> JsonObjects.read("{\"a\": }", false));
        assertTrue(broken.getMessage().startsWith("Unexpected character"), broken.getMessage());
        assertThrows(JsonObjects.NotJson.class, () -> JsonObjects.read("{\"a\": 1", false));
        assertThrows(JsonObjects.NotJson.class, () -> JsonObjects.read("{} x", false));
    }
}
