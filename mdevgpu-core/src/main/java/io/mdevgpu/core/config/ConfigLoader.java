package io.mdevgpu.core.config;

import io.mdevgpu.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.toml.TomlFactory;
import tools.jackson.dataformat.toml.TomlMapper;
import tools.jackson.dataformat.toml.TomlReadFeature;

/**
 * Loads a configuration file strictly: every problem is a {@link ConfigException} that names the file, the key
 * path ({@code gpu[0].type[2].framebuffer}), the line and column, and what is allowed. The schema is described
 * in the {@linkplain io.mdevgpu.core.config package documentation} and in {@code samples/config/README.md}.
 *
 * <p>In order, it refuses: a path that is not a regular file (checked before opening, so a FIFO never blocks),
 * a file over {@link #MAX_BYTES}, a byte-order mark, bytes that are not UTF-8, TOML syntax errors, keys or
 * tables defined twice, nesting deeper than 16 levels, and then everything the schema does not allow. Nothing
 * is read from the host; loading is pure. Thread-safe.
 */
public final class ConfigLoader {
    /** The largest configuration file accepted: 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    // Our locator enforces the real nesting limit (16) with a location; jackson's own limit, which has none,
    // only keeps its recursive parser safe.
    private static final TomlMapper MAPPER = TomlMapper.builder(TomlFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build())
            .enable(TomlReadFeature.PARSE_JAVA_TIME) // dates become date values, not strings a name would accept
            .build();

    private ConfigLoader() {
    }

    /**
     * Reads and validates the configuration file {@code file}.
     *
     * @throws ConfigException for a missing, unreadable, oversized or non-regular file and for any content the
     *                         schema does not allow
     */
    public static MdevConfig load(Path file) {
        return parse(read(file), file);
    }

    /** Validates configuration text that came from elsewhere; errors name the source {@code <text>}. */
    public static MdevConfig parse(String text) {
        return parse(text, null);
    }

    /**
     * Validates configuration text; {@code source} (may be null) is the name errors give it. The text must be
     * encodable as UTF-8 (no unpaired surrogates) and is then checked exactly as a file's bytes are.
     */
    public static MdevConfig parse(String text, Path source) {
        if (text.length() > MAX_BYTES) throw tooLarge(source, "more than " + MAX_BYTES);
        return parse(encode(text, source), source);
    }

    /**
     * Validates configuration bytes as if read from {@code source} (may be null): the size limit, no byte-order
     * mark, strict UTF-8, then the TOML and the schema.
     */
    public static MdevConfig parse(byte[] bytes, Path source) {
        if (bytes.length > MAX_BYTES) throw tooLarge(source, Integer.toString(bytes.length));
        SourceText text = new SourceText(decode(bytes, source));
        ObjectNode root = readTree(text, source);
        TomlLocator.Result located = TomlLocator.scan(text.text());
        if (located.problem() != null) throw problem(located.problem(), text, source);
        MdevConfig config = new ConfigReader(source, text, located.spans()).read(root);
        LOG.debug("loaded {}: {} GPU entries, {} types", source == null ? "<text>" : source, config.gpus().size(),
                config.gpus().stream().mapToInt(g -> g.types().size()).sum());
        return config;
    }

    private static byte[] read(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw fileError(file, "does not exist; give the path of a TOML configuration file", e);
        } catch (IOException e) {
            throw fileError(file, "cannot be examined: " + e.getMessage(), e);
        }
        if (attributes.isDirectory()) {
            throw fileError(file, "is a directory; give the path of a TOML configuration file in it", null);
        }
        if (!attributes.isRegularFile()) {
            // a FIFO, socket or device: opening a FIFO would block until a writer comes, so never open it
            throw fileError(file, "is not a regular file (a FIFO, socket or device); give a regular TOML file", null);
        }
        if (attributes.size() > MAX_BYTES) throw tooLarge(file, Long.toString(attributes.size()));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since it was examined
            if (bytes.length > MAX_BYTES) throw tooLarge(file, "more than " + MAX_BYTES);
            return bytes;
        } catch (AccessDeniedException e) {
            throw fileError(file, "cannot be read: permission denied; check its mode and owner", e);
        } catch (IOException e) {
            throw fileError(file, "cannot be read: " + e, e);
        }
    }

    private static ConfigException fileError(Path file, String problem, Throwable cause) {
        return new ConfigException(file, KeyPath.ROOT, 0, 0, "the configuration file " + problem, cause);
    }

    private static ConfigException tooLarge(Path source, String bytes) {
        return new ConfigException(source, KeyPath.ROOT, 0, 0, "the configuration is " + bytes
                + " bytes; at most " + MAX_BYTES + " bytes (1 MiB) are allowed");
    }

    private static String decode(byte[] bytes, Path source) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            throw new ConfigException(source, KeyPath.ROOT, 1, 1, "the file starts with a UTF-8 byte-order mark "
                    + "(EF BB BF); TOML files must not have one: save the file as UTF-8 without BOM");
        }
        if (bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            throw new ConfigException(source, KeyPath.ROOT, 1, 1, "the file starts with a UTF-16 byte-order mark; "
                    + "TOML files are UTF-8: save the file as UTF-8 without BOM");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int at = in.position();
            out.flip();
            String before = out.toString();
            ConfigLocation where = new SourceText(before).locate(before.length());
            StringBuilder seq = new StringBuilder();
            for (int i = 0; i < result.length() && at + i < bytes.length; i++) {
                seq.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[at + i] & 0xFF));
            }
            throw new ConfigException(source, KeyPath.ROOT, where.line(), where.column(), "invalid UTF-8: the bytes "
                    + seq + " at byte offset " + at + " are not a UTF-8 character; the file must be UTF-8 text");
        }
        out.flip();
        return out.toString();
    }

    private static byte[] encode(String text, Path source) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer in = CharBuffer.wrap(text);
        try {
            ByteBuffer out = encoder.encode(in);
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            int at = 0;
            while (at < text.length() && !(Character.isSurrogate(text.charAt(at))
                    && !(Character.isHighSurrogate(text.charAt(at)) && at + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(at + 1))))) {
                at += Character.isHighSurrogate(text.charAt(at)) ? 2 : 1;
            }
            ConfigLocation where = new SourceText(text).locate(at);
            throw new ConfigException(source, KeyPath.ROOT, where.line(), where.column(),
                    "the text contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8", e);
        }
    }

    private static ObjectNode readTree(SourceText text, Path source) {
        try {
            JsonNode node = MAPPER.readTree(text.text());
            if (node instanceof ObjectNode object) return object;
            return MAPPER.createObjectNode(); // jackson reads an empty document as a missing node
        } catch (JacksonException e) {
            throw syntaxError(e, e.getLocation(), e.getOriginalMessage(), text, source);
        } catch (RuntimeException e) {
            // a jackson defect on hostile input must still come out as the library's own error
            throw syntaxError(e, null, e.toString(), text, source);
        }
    }

    /**
     * Jackson's error, or the locator's when that finds the same or an earlier problem more precisely: jackson
     * reports a duplicate key after its value, and nesting or over-long numbers without a location at all.
     */
    private static ConfigException syntaxError(RuntimeException e, TokenStreamLocation loc, String message,
                                               SourceText text, Path source) {
        int offset = loc == null || e instanceof StreamConstraintsException ? -1
                : text.offsetOfCharColumn(loc.getLineNr(), loc.getColumnNr());
        TomlLocator.Result located = TomlLocator.scan(text.text());
        TomlLocator.Problem p = located.problem();
        // the locator's finding is as early or on the same line, and it says more than "Unknown token"
        if (p != null && (offset < 0 || p.offset() <= offset
                || text.locate(p.offset()).line() == text.locate(offset).line())) {
            return problem(p, text, source);
        }
        if (offset < 0) {
            return new ConfigException(source, KeyPath.ROOT, 0, 0, "the TOML cannot be read: "
                    + ConfigReader.printable(message), e);
        }
        ConfigLocation where = text.locate(offset);
        return new ConfigException(source, lastKeyBefore(located, offset), where.line(), where.column(),
                "TOML syntax error: " + ConfigReader.printable(message)
                        + " (the file must be TOML 1.0, see samples/config/README.md)", e);
    }

    /** The key path whose key starts last before {@code offset}: the key an error is in or just after. */
    private static String lastKeyBefore(TomlLocator.Result located, int offset) {
        String best = KeyPath.ROOT;
        int bestAt = -1;
        for (var e : located.spans().entrySet()) {
            int at = e.getValue().key();
            if (at <= offset && (at > bestAt || at == bestAt && e.getKey().length() > best.length())) {
                best = e.getKey();
                bestAt = at;
            }
        }
        return best;
    }

    private static ConfigException problem(TomlLocator.Problem p, SourceText text, Path source) {
        ConfigLocation where = text.locate(p.offset());
        return new ConfigException(source, p.keyPath(), where.line(), where.column(), p.message());
    }
}
