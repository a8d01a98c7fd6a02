package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The structural scan that locates keys: it must find every key path jackson reads from valid TOML, without
 * mistaking valid TOML for a duplicate, and put each at the right line and column.
 */
class TomlLocatorTest {

    static TomlLocator.Span span(TomlLocator.Result r, String path) {
        assertNull(r.problem(), () -> "unexpected problem " + r.problem());
        TomlLocator.Span s = r.spans().get(path);
        assertTrue(s != null, () -> "no span for " + path + " in " + r.spans().keySet());
        return s;
    }

    static ConfigLocation keyAt(String text, String path) {
        return new SourceText(text).locate(span(TomlLocator.scan(text), path).key());
    }

    static ConfigLocation valueAt(String text, String path) {
        return new SourceText(text).locate(span(TomlLocator.scan(text), path).value());
    }

    @Test
    void keysAndValuesOfEveryForm() {
        String text = """
                a = 1
                  [t]
                  b   =   "x"
                [[arr]]
                [[arr]]
                [arr.sub]
                c.d = [ 1,
                  { e = 2 } ]
                """;
        assertEquals(new ConfigLocation(1, 1), keyAt(text, "a"));
        assertEquals(new ConfigLocation(1, 5), valueAt(text, "a"));
        assertEquals(new ConfigLocation(2, 4), keyAt(text, "t"));
        assertEquals(new ConfigLocation(2, 3), valueAt(text, "t"));
        assertEquals(new ConfigLocation(3, 3), keyAt(text, "t.b"));
        assertEquals(new ConfigLocation(3, 11), valueAt(text, "t.b"));
        assertEquals(new ConfigLocation(4, 1), valueAt(text, "arr[0]"));
        assertEquals(new ConfigLocation(5, 3), keyAt(text, "arr[1]"));
        assertEquals(new ConfigLocation(6, 6), keyAt(text, "arr[1].sub"));
        assertEquals(new ConfigLocation(7, 1), keyAt(text, "arr[1].sub.c"));
        assertEquals(new ConfigLocation(7, 3), keyAt(text, "arr[1].sub.c.d"));
        assertEquals(new ConfigLocation(7, 9), valueAt(text, "arr[1].sub.c.d[0]"));
        assertEquals(new ConfigLocation(8, 3), valueAt(text, "arr[1].sub.c.d[1]"));
        assertEquals(new ConfigLocation(8, 5), keyAt(text, "arr[1].sub.c.d[1].e"));
    }

    @Test
    void columnsCountCodePointsAndTabs() {
        String text = "\"😀é\" = 1\n\tk =\t\"😀\"\nz = 2\n";
        assertEquals(new ConfigLocation(1, 8), valueAt(text, "\"😀é\""));
        assertEquals(new ConfigLocation(2, 2), keyAt(text, "k"));
        assertEquals(new ConfigLocation(2, 6), valueAt(text, "k"));
        assertEquals(new ConfigLocation(3, 5), valueAt(text, "z"));
    }

    @Test
    void quotedKeysPrintQuotedAndNeverCollideWithDottedOnes() {
        String text = "\"a.b\" = 1\na.b = 2\nsite.\"google.com\" = true\n\"\" = 3\n'x y' = 4\n\"a\\u0041\" = 5\n";
        TomlLocator.Result r = TomlLocator.scan(text);
        assertNull(r.problem());
        for (String path : List.of("\"a.b\"", "a.b", "site.\"google.com\"", "\"\"", "\"x y\"", "aA")) {
            assertTrue(r.spans().containsKey(path), path + " in " + r.spans().keySet());
        }
    }

    @Test
    void structureInsideStringsAndCommentsIsNotStructure() {
        String text = """
                a = \"""
                [[gpu]]
                a = 2 # not a key
                \"""
                b = '''
                [table]'''
                c = "[[x]] = # {"   # [y] = "
                d = 'C:\\path\\'
                e = \"""quote at the end""\"""
                f = 1979-05-27 07:32:00
                """;
        TomlLocator.Result r = TomlLocator.scan(text);
        assertNull(r.problem());
        assertEquals(java.util.Set.of("a", "b", "c", "d", "e", "f"), r.spans().keySet());
        assertEquals(new ConfigLocation(10, 5), valueAt(text, "f"));
    }

    /** Valid TOML (much of it from the TOML 1.0 specification) that must not look like a duplicate. */
    static Stream<String> validDocuments() throws IOException {
        List<String> docs = new ArrayList<>(List.of(
                """
                [fruit]
                apple.color = "red"
                apple.taste.sweet = true
                [fruit.apple.texture]
                smooth = true
                """,
                """
                [x.y.z.w]
                [x]
                a = 1
                """,
                """
                [[fruits]]
                name = "apple"
                [fruits.physical]
                color = "red"
                [[fruits.varieties]]
                name = "red delicious"
                [[fruits.varieties]]
                name = "granny smith"
                [[fruits]]
                name = "banana"
                [fruits.physical]
                color = "yellow"
                [[fruits.varieties]]
                name = "plantain"
                """,
                """
                points = [ { x = 1, y = 2 },
                           { x = 7, y = 8 }, ]   # trailing comma
                nested = [ [ 1, 2 ], [ "a",
                  # a comment inside
                  "b" ] ]
                empty = []
                inline = {}
                """,
                """
                name = { first = "Tom", last = "Preston-Werner" }
                animal = { type.name = "pug" }
                int = +99
                hex = 0xDEAD_BEEF
                flt = -3.14e+2
                inf = -inf
                bool = false
                odt = 1979-05-27T07:32:00.999999-07:00
                ld = 1979-05-27
                lt = 00:32:00.5
                """));
        for (String sample : List.of("open-vgeneric.toml", "open-vpascal.toml", "open-vturing.toml", "open-vampere.toml")) {
            docs.add(Files.readString(SampleProfilesTest.SAMPLES.resolve(sample)));
        }
        docs.add(BadFileTest.types(128));
        return docs.stream();
    }

    @ParameterizedTest
    @MethodSource("validDocuments")
    void locatesEveryPathJacksonReads(String text) {
        JsonNode root = TomlMapper.builder().build().readTree(text);
        TomlLocator.Result r = TomlLocator.scan(text);
        assertNull(r.problem(), () -> "valid TOML taken for a problem: " + r.problem());
        List<String> paths = new ArrayList<>();
        collect(root, KeyPath.ROOT, paths);
        assertTrue(paths.size() > 3);
        for (String path : paths) {
            assertTrue(r.spans().containsKey(path), () -> "jackson read " + path + " but the locator did not find it");
        }
    }

    private static void collect(JsonNode node, String path, List<String> out) {
        if (!path.isEmpty()) out.add(path);
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) collect(e.getValue(), KeyPath.child(path, e.getKey()), out);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) collect(node.get(i), KeyPath.index(path, i), out);
        }
    }

    @Test
    void keyPathParents() {
        assertEquals("gpu[0].type", KeyPath.parent("gpu[0].type[1]"));
        assertEquals("gpu[0]", KeyPath.parent("gpu[0].filter"));
        assertEquals("gpu", KeyPath.parent("gpu[0]"));
        assertEquals("", KeyPath.parent("gpu"));
        assertEquals("a", KeyPath.parent("a.\"b.c[0]\""));
        assertEquals("\"x\\\".y\"", KeyPath.parent("\"x\\\".y\".z"));
        assertEquals("a.\"b c\"", KeyPath.child("a", "b c"));
        assertEquals("\"\\u001B\"", KeyPath.child("", "\u001B"));
    }

    @Test
    void suggestionsForUnknownKeys() {
        List<String> type = ConfigReader.TYPE_KEYS;
        assertEquals("max_instances", ConfigReader.suggest("maxInstances", type).orElseThrow());
        assertEquals("max_instances", ConfigReader.suggest("max-instances", type).orElseThrow());
        assertEquals("framebuffer", ConfigReader.suggest("fbLen", type).orElseThrow());
        assertEquals("framebuffer", ConfigReader.suggest("frambuffer", type).orElseThrow());
        assertEquals("name", ConfigReader.suggest("nmae", type).orElseThrow());
        assertEquals("ecc", ConfigReader.suggest("ECC", type).orElseThrow());
        assertTrue(ConfigReader.suggest("colour", type).isEmpty());
        assertTrue(ConfigReader.suggest("x", type).isEmpty());
        // a predecessor name from another table is not suggested where it does not belong
        assertTrue(ConfigReader.suggest("vendorId", type).isEmpty());
        assertEquals(2, NearestName.distance("abcd", "badc"));
    }
}
