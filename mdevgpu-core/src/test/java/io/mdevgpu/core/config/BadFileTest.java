package io.mdevgpu.core.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdevgpu.ConfigException;
import io.mdevgpu.kernel.testing.Required;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad files: the bytes, the encoding, the size, what kind of file it is, and bad files kept as resources. */
class BadFileTest {
    static final String VALID = BadConfigTest.type("");

    @TempDir
    Path dir;

    static void assertAt(ConfigException e, String keyPath, int line, int column, String fragment) {
        assertAll(
                () -> assertEquals(keyPath, e.keyPath(), "key path; message: " + e.getMessage()),
                () -> assertEquals(line, e.line(), "line; message: " + e.getMessage()),
                () -> assertEquals(column, e.column(), "column; message: " + e.getMessage()),
                () -> assertTrue(e.getMessage().contains(fragment), "message should contain \"" + fragment + "\": " + e.getMessage()));
    }

    /** A bad file under src/test/resources/config/bad and where it must be reported. */
    record ResourceCase(String file, String keyPath, int line, int column, String fragment) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<ResourceCase> resources() {
        return Stream.of(
                new ResourceCase("bom.toml", "", 1, 1, "starts with a UTF-8 byte-order mark (EF BB BF)"),
                new ResourceCase("utf16-bom.toml", "", 1, 1, "UTF-16 byte-order mark"),
                new ResourceCase("latin1-name.toml", "", 8, 12, "invalid UTF-8: the bytes E9 at byte offset 112"),
                new ResourceCase("predecessor-keys.toml", "gpu[0].type[0].num", 6, 1, "did you mean \"number\"? (num is the predecessor's name for it)"),
                new ResourceCase("syntax-error.toml", "gpu[0].type[0].display", 9, 18, "a table header ends with ']'"),
                new ResourceCase("duplicate-numbers.toml", "gpu[0].type[2].number", 16, 10, "type number 1 is already used by gpu[0].type[0] (line 4)"),
                new ResourceCase("deep-nesting.toml", "x" + "[0]".repeat(16), 4, 21, "nested 17 levels deep"),
                new ResourceCase("name-too-long.toml", "gpu[0].type[0].name", 8, 8, "66 bytes of UTF-8 is too long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void badResource(ResourceCase c) throws URISyntaxException {
        Path file = Path.of(BadFileTest.class.getResource("/config/bad/" + c.file()).toURI());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertAt(e, c.keyPath(), c.line(), c.column(), c.fragment());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith("configuration " + file + ":" + c.line() + ":" + c.column()), e.getMessage());
    }

    /** Bytes that are not UTF-8, each on line 2 after {@code x = "} (column 6). */
    record Utf8Case(String name, byte[] bad, String bytes) {
        /** The whole file: {@code x = "} then the bad bytes, closed on line 2. */
        byte[] file() {
            byte[] head = "schema = 1\nx = \"".getBytes(StandardCharsets.US_ASCII);
            byte[] bytes = new byte[head.length + bad.length + 2];
            System.arraycopy(head, 0, bytes, 0, head.length);
            System.arraycopy(bad, 0, bytes, head.length, bad.length);
            bytes[bytes.length - 2] = '"';
            bytes[bytes.length - 1] = '\n';
            return bytes;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Utf8Case> invalidUtf8() {
        return Stream.of(
                new Utf8Case("lone continuation byte", new byte[] {(byte) 0x80}, "80"),
                new Utf8Case("overlong slash", new byte[] {(byte) 0xC0, (byte) 0xAF}, "C0"),
                new Utf8Case("encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "ED A0 80"),
                new Utf8Case("above U+10FFFF", new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, "F5"),
                new Utf8Case("0xFF", new byte[] {(byte) 0xFF}, "FF"),
                new Utf8Case("three-byte sequence cut short", new byte[] {(byte) 0xE2, (byte) 0x82, '"'}, "E2 82"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8(Utf8Case c) {
        byte[] bytes = c.file();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(bytes, Path.of("bad.toml")));
        assertAt(e, "", 2, 6, "invalid UTF-8: the bytes " + c.bytes() + " at byte offset 16");
    }

    @Test
    void invalidUtf8ColumnCountsCharactersBeforeIt() {
        byte[] head = "schema = 1\nname = \"日本".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 1);
        bytes[head.length] = (byte) 0xC3; // a lead byte at the very end
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(bytes, null));
        assertAt(e, "", 2, 11, "the bytes C3");
    }

    @Test
    void unpairedSurrogateInText() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("schema = 1\nx = \"ab\uD800\"\n"));
        assertAt(e, "", 2, 8, "unpaired UTF-16 surrogate");
    }

    @Test
    void fileOverOneMiB() throws IOException {
        Path file = dir.resolve("big.toml");
        Files.writeString(file, VALID + "#".repeat(ConfigLoader.MAX_BYTES + 1 - VALID.length()));
        assertEquals(ConfigLoader.MAX_BYTES + 1, Files.size(file));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertAt(e, "", 0, 0, "the configuration is 1048577 bytes; at most 1048576 bytes (1 MiB) are allowed");
        assertEquals(file, e.file());
    }

    @Test
    void fileOfExactlyOneMiBLoads() throws IOException {
        Path file = dir.resolve("full.toml");
        Files.writeString(file, VALID + "#".repeat(ConfigLoader.MAX_BYTES - VALID.length()));
        assertEquals(ConfigLoader.MAX_BYTES, Files.size(file));
        assertEquals(1, ConfigLoader.load(file).gpus().size());
    }

    @Test
    void bytesAndTextOverOneMiB() {
        byte[] bytes = new byte[ConfigLoader.MAX_BYTES + 1];
        assertAt(assertThrows(ConfigException.class, () -> ConfigLoader.parse(bytes, null)), "", 0, 0, "1048577 bytes");
        String text = "#".repeat(ConfigLoader.MAX_BYTES + 1);
        assertAt(assertThrows(ConfigException.class, () -> ConfigLoader.parse(text)), "", 0, 0, "more than 1048576 bytes");
        // under 1 Mi characters but over 1 MiB once encoded: two bytes each
        String wide = "#" + "é".repeat(ConfigLoader.MAX_BYTES / 2 + 1);
        assertAt(assertThrows(ConfigException.class, () -> ConfigLoader.parse(wide)), "", 0, 0, "1048579 bytes");
    }

    @Test
    void directory() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertAt(e, "", 0, 0, "the configuration file is a directory");
        assertTrue(e.getMessage().startsWith("configuration " + dir + ": "), e.getMessage());
    }

    @Test
    void symlinkToDirectory() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.toml"), Files.createDirectory(dir.resolve("sub")));
        assertAt(assertThrows(ConfigException.class, () -> ConfigLoader.load(link)), "", 0, 0, "is a directory");
    }

    @Test
    void symlinkToRegularFileLoads() throws IOException {
        Path target = Files.writeString(dir.resolve("real.toml"), VALID);
        Path link = Files.createSymbolicLink(dir.resolve("link.toml"), target);
        assertEquals(ConfigLoader.load(target), ConfigLoader.load(link));
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("config.fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        } catch (IOException noMkfifo) {
            Required.that(false, "mkfifo is not available (apt-get install coreutils): " + noMkfifo);
            return;
        }
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        // opening a FIFO with no writer blocks forever: the loader must refuse before it opens
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ConfigException.class, () -> ConfigLoader.load(fifo)));
        assertAt(e, "", 0, 0, "is not a regular file (a FIFO, socket or device)");
    }

    @Test
    void characterDevice() {
        Path devNull = Path.of("/dev/null");
        Required.that(Files.exists(devNull), "no /dev/null on this machine");
        assertAt(assertThrows(ConfigException.class, () -> ConfigLoader.load(devNull)), "", 0, 0, "is not a regular file");
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertAt(e, "", 0, 0, "the configuration file does not exist");
        assertEquals(missing, e.file());
    }

    @Test
    void typesOverTheDriverLimit() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(types(129)));
        // each type takes 6 lines after the 2 header lines: type[128] starts at line 2 + 128 * 6 + 1
        assertAt(e, "gpu[0].type[128]", 771, 1, "gpu[0] declares 129 types; the newest driver registers at most 128 per GPU");
    }

    @Test
    void typesAtTheDriverLimitLoad() {
        assertEquals(128, ConfigLoader.parse(types(128)).gpus().getFirst().types().size());
    }

    static String types(int n) {
        StringBuilder sb = new StringBuilder("schema = 1\n[[gpu]]\n");
        for (int i = 1; i <= n; i++) {
            sb.append("[[gpu.type]]\nnumber = ").append(i)
                    .append("\nmax_instances = 1\nframebuffer = \"64MiB\"\nreserved = \"0MiB\"\n\n");
        }
        return sb.toString();
    }
}
