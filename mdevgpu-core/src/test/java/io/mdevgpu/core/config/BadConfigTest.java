package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdevgpu.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configurations given as text: each must fail with a ConfigException at the exact key path, line and
 * column, with a message that says what is wrong. Line and column are 1-based; columns count characters.
 */
class BadConfigTest {

    /** A bad configuration and where and how it must be reported. */
    record Case(String name, String toml, String keyPath, int line, int column, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A valid document of 7 lines with one type; {@code extra} starts at line 8, inside gpu[0].type[0]. */
    static String type(String extra) {
        return """
                schema = 1
                [[gpu]]
                [[gpu.type]]
                number = 1
                max_instances = 2
                framebuffer = "1GiB"
                reserved = "64MiB"
                """ + extra;
    }

    /** Like {@link #type} but with a display table opened at line 8; {@code extra} starts at line 9. */
    static String display(String extra) {
        return type("[gpu.type.display]\n" + extra);
    }

    /** A GPU entry with a filter table opened at line 3; {@code extra} starts at line 4, a type follows it. */
    static String filter(String extra) {
        return "schema = 1\n[[gpu]]\n[gpu.filter]\n" + extra
                + "\n[[gpu.type]]\nnumber = 1\nmax_instances = 2\nframebuffer = \"1GiB\"\nreserved = \"64MiB\"\n";
    }

    static final String T = "gpu[0].type[0].";
    static final String D = "gpu[0].type[0].display.";
    static final String F = "gpu[0].filter.";

    static Stream<Case> cases() {
        return Stream.of(
                // --- TOML syntax (jackson's or the locator's finding, whichever is earlier and more precise)
                new Case("value missing", type("name = \n"), T + "name", 8, 8, "TOML syntax error"),
                new Case("string not closed", type("name = \"abc\n"), T + "name", 8, 12, "unterminated string"),
                new Case("unknown escape", type("name = \"a\\qb\"\n"), T + "name", 8, 10, "unknown escape sequence \\q"),
                new Case("two equals signs", type("ecc == true\n"), T + "ecc", 8, 6, "TOML syntax error"),
                new Case("header not closed", "schema = 1\n[[gpu\n", "gpu", 2, 6, "TOML syntax error"),
                new Case("inline table over two lines", type("display = { heads = 1,\n  max_resolution = \"8x8\" }\n"),
                        T + "display", 8, 23, "expected a key"),
                new Case("inline table trailing comma", type("display = { heads = 1, }\n"), T + "display", 8, 24, "expected a key"),
                new Case("zero-prefixed integer", type("encoder_capacity = 012\n"), T + "encoder_capacity", 8, 20, "Zero-prefixed"),
                new Case("two keys on one line", type("ecc = true multi_vgpu = true\n"), T + "ecc", 8, 12, "TOML syntax error"),
                new Case("raw control character in a string", type("name = \"a\u0001b\"\n"), T + "name", 8, 10, "control character"),
                new Case("raw DEL in a string", type("name = \"a\u007Fb\"\n"), T + "name", 8, 10, "control character"),
                new Case("carriage return without newline", type("ecc = true\rmulti_vgpu = true\n"), T + "ecc", 8, 11, "TOML syntax error"),
                new Case("raw NUL in a comment", type("# a \u0000 b\n"), "gpu[0].type[0].reserved", 8, 5, "control character"),
                new Case("bare key with a space", type("max instances = 2\n"), T + "max", 8, 5, "a key is followed by '='"),
                new Case("surrogate escape", type("name = \"x\\uD800\"\n"), T + "name", 8, 10, "not a Unicode scalar value"),
                new Case("escape above U+10FFFF", type("name = \"\\U00110000\"\n"), T + "name", 8, 9, "not a Unicode scalar value"),
                new Case("number of 200 digits", type("encoder_capacity = " + "1".repeat(200) + "\n"), T + "encoder_capacity", 8, 20, "too long"),

                // --- keys and tables defined twice
                new Case("key defined twice", type("number = 2\n"), T + "number", 8, 1, "defined twice; first at line 4"),
                new Case("top-level key defined twice", "schema = 1\nschema = 1\n", "schema", 2, 1, "defined twice"),
                new Case("key twice in an inline table", type("display = { heads = 1, heads = 2 }\n"), D + "heads", 8, 24, "defined twice"),
                new Case("table defined twice", filter("bus = 1\n[gpu.filter]\nslot = 2"), "gpu[0].filter", 5, 6, "defined twice"),
                new Case("dotted key then the same table", type("display.heads = 1\n[gpu.type.display]\n"), T + "display", 9, 11, "defined twice; first at line 8 by a dotted key"),

                // --- nesting
                new Case("arrays nested 20 deep", type("name = " + "[".repeat(20) + "]".repeat(20) + "\n"),
                        T + "name" + "[0]".repeat(12), 8, 20, "nested 17 levels deep"),
                new Case("arrays nested 100 deep, past jackson's own limit", "x = " + "[".repeat(100) + "]".repeat(100) + "\n",
                        "x" + "[0]".repeat(16), 1, 21, "nested 17 levels deep"),
                new Case("arrays nested 100000 deep", "x = " + "[".repeat(100_000) + "\n",
                        "x" + "[0]".repeat(16), 1, 21, "at most 16"),
                new Case("inline tables nested 20 deep", type("display = " + "{ a = ".repeat(20) + "1" + " }".repeat(20) + "\n"),
                        T + "display" + ".a".repeat(12), 8, 79, "nested 17 levels deep"),
                new Case("dotted key 20 deep", "schema = 1\nk" + ".k".repeat(19) + " = 1\n", "k" + ".k".repeat(16), 2, 33, "nested 17 levels deep"),
                new Case("table header 20 deep", "schema = 1\n[t" + ".t".repeat(19) + "]\n", "t" + ".t".repeat(16), 2, 34, "nested 17 levels deep"),

                // --- the top level
                new Case("schema missing", "[[gpu]]\n", "schema", 1, 1, "missing required key \"schema\""),
                new Case("empty file", "", "schema", 1, 1, "write schema = 1"),
                new Case("schema 2", "schema = 2\n[[gpu]]\n", "schema", 1, 10, "unsupported schema version 2; this mdevgpu reads schema 1"),
                new Case("schema 0", "schema = 0\n", "schema", 1, 10, "unsupported schema version 0"),
                new Case("schema as a string", "schema = \"1\"\n", "schema", 1, 10, "schema must be the integer 1 (the format version), but is a string (\"1\")"),
                new Case("schema as a float", "schema = 1.0\n", "schema", 1, 10, "but is a float"),
                new Case("predecessor's gpus", "schema = 1\ngpus = []\n", "gpus", 2, 1, "did you mean \"gpu\"? (gpus is the predecessor's name for it)"),
                new Case("unknown top-level key", "schema = 1\ncolour = \"red\"\n", "colour", 2, 1, "at the top level; allowed here: schema, keep, gpu"),
                new Case("keep as a string", "schema = 1\nkeep = \"yes\"\n", "keep", 2, 8, "keep must be a boolean"),
                new Case("gpu missing", "schema = 1\nkeep = true\n", "gpu", 1, 1, "missing required key \"gpu\""),
                new Case("gpu empty", "schema = 1\ngpu = []\n", "gpu", 2, 7, "gpu is empty"),
                new Case("gpu as a single table", "schema = 1\n[gpu]\n", "gpu", 2, 1, "write [[gpu]] (double brackets)"),
                new Case("gpu as an integer", "schema = 1\ngpu = 5\n", "gpu", 2, 7, "but is an integer (5)"),
                new Case("gpu element not a table", "schema = 1\ngpu = [1]\n", "gpu[0]", 2, 8, "gpu[0] must be a table"),

                // --- the GPU entry and its filter
                new Case("types instead of type", "schema = 1\n[[gpu]]\ntypes = 1\n", "gpu[0].types", 3, 1, "did you mean \"type\"?"),
                new Case("type missing", "schema = 1\n[[gpu]]\n", "gpu[0].type", 2, 1, "missing required key \"type\" in gpu[0]"),
                new Case("type empty", "schema = 1\n[[gpu]]\ntype = []\n", "gpu[0].type", 3, 8, "type is empty"),
                new Case("type as a single table", "schema = 1\n[[gpu]]\n[gpu.type]\nnumber = 1\n", "gpu[0].type", 3, 1, "write [[gpu.type]]"),
                new Case("type element not a table", "schema = 1\n[[gpu]]\ntype = [\"a\"]\n", "gpu[0].type[0]", 3, 9, "must be a table"),
                new Case("filter not a table", "schema = 1\n[[gpu]]\nfilter = 5\n", "gpu[0].filter", 3, 10, "filter must be a table"),
                new Case("predecessor's vendorId", filter("vendorId = 0x10DE"), F + "vendorId", 4, 1, "did you mean \"vendor\"?"),
                new Case("filter bus 0x100", filter("bus = 0x100"), F + "bus", 4, 7, "bus = 0x100 is out of range; allowed: 0x0..0xFF"),
                new Case("filter slot 0x20", filter("slot = 0x20"), F + "slot", 4, 8, "allowed: 0x0..0x1F"),
                new Case("filter function 8", filter("function = 8"), F + "function", 4, 12, "allowed: 0x0..0x7"),
                new Case("filter domain 0x10000", filter("domain = 0x10000"), F + "domain", 4, 10, "0x0..0xFFFF"),
                new Case("filter vendor negative", filter("vendor = -1"), F + "vendor", 4, 10, "vendor = -1 is out of range"),
                new Case("filter rm_gpu_id over 32 bits", filter("rm_gpu_id = 0x1_0000_0000"), F + "rm_gpu_id", 4, 13, "0x0..0xFFFFFFFF"),
                new Case("filter device as a string", filter("device = \"0x20B0\""), F + "device", 4, 10, "hex is fine"),
                new Case("inline filter typo", "schema = 1\n[[gpu]]\nfilter = { bus = 1, slott = 2 }\n", F + "slott", 3, 21, "did you mean \"slot\"?"),

                // --- required keys of a type (reported at the type's [[gpu.type]] header)
                new Case("number missing", "schema = 1\n[[gpu]]\n[[gpu.type]]\nmax_instances = 1\n", T + "number", 3, 1, "missing required key \"number\""),
                new Case("max_instances missing", "schema = 1\n[[gpu]]\n[[gpu.type]]\nnumber = 1\n", T + "max_instances", 3, 1, "missing required key \"max_instances\""),
                new Case("framebuffer missing", "schema = 1\n[[gpu]]\n[[gpu.type]]\nnumber = 1\nmax_instances = 1\n", T + "framebuffer", 3, 1, "e.g. framebuffer = \"9536MiB\""),
                new Case("reserved missing", "schema = 1\n[[gpu]]\n[[gpu.type]]\nnumber = 1\nmax_instances = 1\nframebuffer = \"1GiB\"\n", T + "reserved", 3, 1, "missing required key \"reserved\""),
                new Case("required key missing in an inline type", "schema = 1\n[[gpu]]\ntype = [ { number = 7 } ]\n", T + "max_instances", 3, 10, "missing required key"),

                // --- the type number
                new Case("number 0", type("").replace("number = 1", "number = 0"), T + "number", 4, 10, "0 is invalid to the driver"),
                new Case("number negative", type("").replace("number = 1", "number = -1"), T + "number", 4, 10, "allowed: 1..2147483647"),
                new Case("number over 2^31-1", type("").replace("number = 1", "number = 2147483648"), T + "number", 4, 10, "number = 2147483648 is out of range"),
                new Case("number over 32 bits in hex", type("").replace("number = 1", "number = 0x1_0000_0000"), T + "number", 4, 10, "out of range"),
                new Case("number as a string", type("").replace("number = 1", "number = \"531\""), T + "number", 4, 10, "but is a string (\"531\")"),
                new Case("number as a float", type("").replace("number = 1", "number = 5.0"), T + "number", 4, 10, "but is a float"),
                new Case("number repeated", type("[[gpu.type]]\nnumber = 1\nmax_instances = 1\nframebuffer = \"1GiB\"\nreserved = \"0MiB\"\n"),
                        "gpu[0].type[1].number", 9, 10, "type number 1 is already used by gpu[0].type[0] (line 4)"),
                new Case("number repeated in an inline array", "schema = 1\n[[gpu]]\ntype = [\n"
                        + "  { number = 5, max_instances = 1, framebuffer = \"1GiB\", reserved = \"0MiB\" },\n"
                        + "  { number = 5, max_instances = 1, framebuffer = \"1GiB\", reserved = \"0MiB\" },\n]\n",
                        "gpu[0].type[1].number", 5, 14, "already used"),

                // --- max_instances
                new Case("max_instances 49", type("").replace("max_instances = 2", "max_instances = 49"), T + "max_instances", 5, 17, "allowed: 1..48"),
                new Case("max_instances 0", type("").replace("max_instances = 2", "max_instances = 0"), T + "max_instances", 5, 17, "allowed: 1..48"),
                new Case("max_instances huge", type("").replace("max_instances = 2", "max_instances = 0x7FFF_FFFF_FFFF_FFFF"), T + "max_instances", 5, 17, "out of range"),
                new Case("predecessor's maxInstances", type("maxInstances = 3\n"), T + "maxInstances", 8, 1, "did you mean \"max_instances\"?"),

                // --- name and class: the driver's 64-byte buffers, measured in UTF-8
                new Case("name of 22 three-byte characters", type("name = \"" + "€".repeat(22) + "\"\n"), T + "name", 8, 8, "66 bytes of UTF-8 is too long"),
                new Case("name of 64 ASCII bytes", type("name = \"" + "a".repeat(64) + "\"\n"), T + "name", 8, 8, "at most 63 bytes before the terminating NUL"),
                new Case("name with NUL escape", type("name = \"GVM\\u0000x\"\n"), T + "name", 8, 8, "control character (U+0000)"),
                new Case("name with tab escape", type("name = \"a\\tb\"\n"), T + "name", 8, 8, "control character (U+0009)"),
                new Case("name with newline in a multi-line string", type("name = \"\"\"a\nb\"\"\"\n"), T + "name", 8, 8, "control character (U+000A)"),
                new Case("name with ESC escape", type("name = \"\\u001B[31m\"\n"), T + "name", 8, 8, "invalid name \"\\u001B[31m\": contains a control character (U+001B)"),
                new Case("name with C1 control", type("name = \"a\\u0085\"\n"), T + "name", 8, 8, "U+0085"),
                new Case("name empty", type("name = \"\"\n"), T + "name", 8, 8, "must not be empty"),
                new Case("name as an integer", type("name = 5\n"), T + "name", 8, 8, "name must be a string"),
                new Case("name as a date", type("name = 1979-05-27\n"), T + "name", 8, 8, "but is a date/time"),
                new Case("class of 32 two-byte characters", type("class = \"" + "é".repeat(32) + "\"\n"), T + "class", 8, 9, "64 bytes of UTF-8"),
                new Case("name of 300 characters", type("name = \"" + "n".repeat(300) + "\"\n"), T + "name", 8, 8, "a string of 300 characters"),
                new Case("key of 200 characters", type("k".repeat(200) + " = 1\n"), T.substring(0, T.length() - 1), 8, 1, "a key of 200 characters is too long"),
                new Case("class with NUL", type("class = \"Com\\u0000pute\"\n"), T + "class", 8, 9, "U+0000"),
                new Case("predecessor's gpuClass", type("gpuClass = \"NVS\"\n"), T + "gpuClass", 8, 1, "did you mean \"class\"?"),

                // --- sizes
                new Case("framebuffer as an integer", type("").replace("framebuffer = \"1GiB\"", "framebuffer = 9536"), T + "framebuffer", 6, 15, "write \"9536MiB\""),
                new Case("framebuffer without a unit", type("").replace("framebuffer = \"1GiB\"", "framebuffer = \"9536\""), T + "framebuffer", 6, 15, "not a size with a unit"),
                new Case("framebuffer with an unknown unit", type("").replace("framebuffer = \"1GiB\"", "framebuffer = \"9536XB\""), T + "framebuffer", 6, 15, "invalid size"),
                new Case("framebuffer not whole MiB", type("").replace("framebuffer = \"1GiB\"", "framebuffer = \"1000KiB\""), T + "framebuffer", 6, 15, "not a whole number of MiB"),
                new Case("framebuffer zero", type("").replace("framebuffer = \"1GiB\"", "framebuffer = \"0MiB\""), T + "framebuffer", 6, 15, "a positive whole number of MiB"),
                new Case("reserved negative", type("").replace("reserved = \"64MiB\"", "reserved = \"-64MiB\""), T + "reserved", 7, 12, "invalid size"),
                new Case("bar1 zero", type("bar1 = \"0GiB\"\n"), T + "bar1", 8, 8, "a positive whole number of MiB"),
                new Case("bar1 of 4 PiB", type("bar1 = \"4096TiB\"\n"), T + "bar1", 8, 8, "below 4 PiB"),
                new Case("mappable_video as an integer", type("mappable_video = 24\n"), T + "mappable_video", 8, 18, "mappable_video must be a size"),
                new Case("predecessor's fbLen", type("fbLen = 896\n"), T + "fbLen", 8, 1, "did you mean \"framebuffer\"? (fbLen is the predecessor's name for it)"),

                // --- PCI ids
                new Case("guest_pci_id over 32 bits", type("guest_pci_id = 0x1_20B0_1479\n"), T + "guest_pci_id", 8, 16, "guest_pci_id = 0x120B01479 is out of range; allowed: 0x0..0xFFFFFFFF"),
                new Case("guest_pci_id as lspci text", type("guest_pci_id = \"10de:20b0\"\n"), T + "guest_pci_id", 8, 16, "must be an integer"),
                new Case("host_pci_id negative", type("host_pci_id = -1\n"), T + "host_pci_id", 8, 15, "out of range"),
                new Case("predecessor's vDevId", type("vDevId = 0x20B01470\n"), T + "vDevId", 8, 1, "did you mean \"guest_pci_id\"?"),

                // --- booleans and the encoder
                new Case("ecc as 1", type("ecc = 1\n"), T + "ecc", 8, 7, "ecc must be a boolean, true or false"),
                new Case("multi_vgpu quoted", type("multi_vgpu = \"true\"\n"), T + "multi_vgpu", 8, 14, "without quotes"),
                new Case("encoder_capacity 101", type("encoder_capacity = 101\n"), T + "encoder_capacity", 8, 20, "allowed: 0..100"),
                new Case("encoder_capacity negative", type("encoder_capacity = -1\n"), T + "encoder_capacity", 8, 20, "allowed: 0..100"),
                new Case("encoder_capacity float", type("encoder_capacity = 50.5\n"), T + "encoder_capacity", 8, 20, "but is a float"),
                new Case("typo of a type key", type("framebufer = \"1GiB\"\n"), T + "framebufer", 8, 1, "did you mean \"framebuffer\"?"),
                new Case("unknown type key without a near one", type("colour = \"red\"\n"), T + "colour", 8, 1, "in gpu[0].type[0]; allowed here: number, name, class"),

                // --- the display
                new Case("display as an integer", type("display = 4\n"), T + "display", 8, 11, "display must be a table"),
                new Case("heads 0", display("heads = 0\n"), D + "heads", 9, 9, "allowed: 1..16"),
                new Case("heads 17", display("heads = 17\n"), D + "heads", 9, 9, "allowed: 1..16"),
                new Case("heads in a dotted key", type("display.heads = 99\n"), D + "heads", 8, 17, "allowed: 1..16"),
                new Case("resolution with capital X", display("max_resolution = \"1920X1080\"\n"), D + "max_resolution", 9, 18, "lower-case x"),
                new Case("resolution width 0", display("max_resolution = \"0x1080\"\n"), D + "max_resolution", 9, 18, "out of range"),
                new Case("resolution too wide", display("max_resolution = \"16385x100\"\n"), D + "max_resolution", 9, 18, "1..16384"),
                new Case("resolution as an integer", display("max_resolution = 1920\n"), D + "max_resolution", 9, 18, "must be a string"),
                new Case("frame_rate_limit 0", display("frame_rate_limit = 0\n"), D + "frame_rate_limit", 9, 20, "allowed: 1..1000"),
                new Case("frame_rate_limit 1001", display("frame_rate_limit = 1001\n"), D + "frame_rate_limit", 9, 20, "allowed: 1..1000"),
                new Case("frame_rate_limiter as 1", display("frame_rate_limiter = 1\n"), D + "frame_rate_limiter", 9, 22, "must be a boolean"),
                new Case("predecessor's numHeads", display("numHeads = 4\n"), D + "numHeads", 9, 1, "did you mean \"heads\"?"),
                new Case("predecessor's maxResX", type("display = { maxResX = 1920 }\n"), D + "maxResX", 8, 13, "did you mean \"max_resolution\"?"),
                new Case("predecessor's frlEnable", display("frlEnable = 1\n"), D + "frlEnable", 9, 1, "did you mean \"frame_rate_limiter\"?"),

                // --- columns count characters, not bytes or UTF-16 units
                new Case("column after astral characters", type("name = \"\uD83D\uDE00\uD83D\uDE00\"; x = 1\n"), T + "name", 8, 12, "TOML syntax error"),
                new Case("column after a tab", type("\tencoder_capacity =\t200\n"), T + "encoder_capacity", 8, 21, "allowed: 0..100"),
                new Case("CRLF line endings", type("").replace("\n", "\r\n") + "ecc = 1\r\n", T + "ecc", 8, 7, "must be a boolean"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejected(Case c) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(c.toml()));
        assertAll(
                () -> assertEquals(c.keyPath(), e.keyPath(), "key path; message: " + e.getMessage()),
                () -> assertEquals(c.line(), e.line(), "line; message: " + e.getMessage()),
                () -> assertEquals(c.column(), e.column(), "column; message: " + e.getMessage()),
                () -> assertTrue(e.getMessage().contains(c.fragment()), "message should contain \"" + c.fragment() + "\": " + e.getMessage()),
                () -> assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl),
                        "no raw control character reaches the terminal: " + e.getMessage()),
                () -> assertTrue(e.getMessage().startsWith("configuration <text>:" + c.line() + ":" + c.column()
                        + (c.keyPath().isEmpty() ? "" : " at " + c.keyPath())), "message names the place: " + e.getMessage()));
    }
}
