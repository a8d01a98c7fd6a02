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
import java.util.Map;
import java.util.Objects;
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
 * The strict front end every TOML file of mdevgpu goes through (configurations, simulated host inventories):
 * it refuses, in order, a path that is not a regular file (checked before opening, so a FIFO never blocks), a
 * file over {@link #MAX_BYTES}, a byte-order mark, bytes that are not UTF-8, TOML syntax errors, keys or tables
 * defined twice and nesting deeper than 16 levels, each with a located {@link ConfigException}; then hands out
 * the document's root as a {@link TomlTable} whose typed accessors locate every later schema error. Pure and
 * thread-safe.
 */
public final class StrictToml {
    /** The largest file accepted: 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    /**
     * What kind of file a document is, for its messages.
     *
     * @param noun        {@code "configuration"}: "the configuration file does not exist"
     * @param guide       where the format is described, named in syntax errors
     * @param formerNames keys of an older format and their new names, for "did you mean" hints
     * @param stringHint  appended to the error for an over-long string, saying how long a value may be
     */
    public record Kind(String noun, String guide, Map<String, String> formerNames, String stringHint) {
        public Kind {
            Objects.requireNonNull(noun, "noun");
            Objects.requireNonNull(guide, "guide");
            formerNames = Map.copyOf(formerNames);
            Objects.requireNonNull(stringHint, "stringHint");
        }
    }

    // Our locator enforces the real nesting limit (16) with a location; jackson's own limit, which has none,
    // only keeps its recursive parser safe.
    private static final TomlMapper MAPPER = TomlMapper.builder(TomlFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build())
            .enable(TomlReadFeature.PARSE_JAVA_TIME) // dates become date values, not strings a name would accept
            .build();

    private StrictToml() {
    }

    /**
     * Reads {@code file} and returns the document's root table.
     *
     * @throws ConfigException for a missing, unreadable, oversized or non-regular file and for text that is not
     *                         strict UTF-8 TOML
     */
    public static TomlTable read(Path file, Kind kind) {
        return parse(readBytes(file, kind), file, kind);
    }

    /**
     * Text that came from elsewhere, checked exactly as a file's bytes are; {@code source} (may be null) is the
     * name errors give it. The text must be encodable as UTF-8 (no unpaired surrogates).
     */
    public static TomlTable parse(String text, Path source, Kind kind) {
        if (text.length() > MAX_BYTES) throw tooLarge(source, "more than " + MAX_BYTES, kind);
        return parse(encode(text, source, kind), source, kind);
    }

    /** Bytes as if read from {@code source} (may be null): the size limit, no byte-order mark, strict UTF-8, TOML. */
    public static TomlTable parse(byte[] bytes, Path source, Kind kind) {
        if (bytes.length > MAX_BYTES) throw tooLarge(source, Integer.toString(bytes.length), kind);
        SourceText text = new SourceText(decode(bytes, source, kind));
        ObjectNode root = readTree(text, source, kind);
        TomlLocator.Result located = TomlLocator.scan(text.text());
        if (located.problem() != null) throw problem(located.problem(), text, source, kind);
        return TomlTable.root(root, new TomlTable.Document(source, text, located.spans(), kind));
    }

    private static byte[] readBytes(Path file, Kind kind) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw fileError(file, "does not exist; give the path of a TOML " + kind.noun() + " file", e, kind);
        } catch (IOException e) {
            throw fileError(file, "cannot be examined: " + e.getMessage(), e, kind);
        }
        if (attributes.isDirectory()) {
            throw fileError(file, "is a directory; give the path of a TOML " + kind.noun() + " file in it", null, kind);
        }
        if (!attributes.isRegularFile()) {
            // a FIFO, socket or device: opening a FIFO would block until a writer comes, so never open it
            throw fileError(file, "is not a regular file (a FIFO, socket or device); give a regular TOML file", null, kind);
        }
        if (attributes.size() > MAX_BYTES) throw tooLarge(file, Long.toString(attributes.size()), kind);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since it was examined
            if (bytes.length > MAX_BYTES) throw tooLarge(file, "more than " + MAX_BYTES, kind);
            return bytes;
        } catch (AccessDeniedException e) {
            throw fileError(file, "cannot be read: permission denied; check its mode and owner", e, kind);
        } catch (IOException e) {
            throw fileError(file, "cannot be read: " + e, e, kind);
        }
    }

    private static ConfigException fileError(Path file, String problem, Throwable cause, Kind kind) {
        return new ConfigException(kind.noun(), file, KeyPath.ROOT, 0, 0, "the " + kind.noun() + " file " + problem, cause);
    }

    private static ConfigException tooLarge(Path source, String bytes, Kind kind) {
        return new ConfigException(kind.noun(), source, KeyPath.ROOT, 0, 0, "the " + kind.noun() + " is " + bytes
                + " bytes; at most " + MAX_BYTES + " bytes (1 MiB) are allowed", null);
    }

    private static String decode(byte[] bytes, Path source, Kind kind) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            throw new ConfigException(kind.noun(), source, KeyPath.ROOT, 1, 1, "the file starts with a UTF-8 byte-order mark "
                    + "(EF BB BF); TOML files must not have one: save the file as UTF-8 without BOM", null);
        }
        if (bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF
                || (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)) {
            throw new ConfigException(kind.noun(), source, KeyPath.ROOT, 1, 1, "the file starts with a UTF-16 byte-order mark; "
                    + "TOML files are UTF-8: save the file as UTF-8 without BOM", null);
        }
        NotUtf8 bad = NotUtf8.find(bytes);
        if (bad != null) {
            String before = new String(bytes, 0, bad.offset(), StandardCharsets.UTF_8);
            ConfigLocation where = new SourceText(before).locate(before.length());
            throw new ConfigException(kind.noun(), source, KeyPath.ROOT, where.line(), where.column(), "invalid UTF-8: " + bad
                    + "; the file must be UTF-8 text", null);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The first bytes of a text that are not a UTF-8 character: their offset and the bytes, in hex.
     *
     * @param offset where they start, from 0
     * @param bytes  {@code "FF"}, {@code "C3 28"}
     */
    public record NotUtf8(int offset, String bytes) {
        /** The first malformed sequence in {@code text}; null when it is all UTF-8 (strict: no surrogates). */
        public static NotUtf8 find(byte[] text) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(text);
            CharBuffer out = CharBuffer.allocate(text.length);
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) result = decoder.flush(out);
            if (!result.isError()) return null;
            int at = in.position();
            StringBuilder seq = new StringBuilder();
            for (int i = 0; i < result.length() && at + i < text.length; i++) {
                seq.append(i == 0 ? "" : " ").append(String.format("%02X", text[at + i] & 0xFF));
            }
            return new NotUtf8(at, seq.toString());
        }

        @Override
        public String toString() {
            return "the bytes " + bytes + " at byte offset " + offset + " are not a UTF-8 character";
        }
    }

    private static byte[] encode(String text, Path source, Kind kind) {
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
            throw new ConfigException(kind.noun(), source, KeyPath.ROOT, where.line(), where.column(),
                    "the text contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8", e);
        }
    }

    private static ObjectNode readTree(SourceText text, Path source, Kind kind) {
        try {
            JsonNode node = MAPPER.readTree(text.text());
            if (node instanceof ObjectNode object) return object;
            return MAPPER.createObjectNode(); // jackson reads an empty document as a missing node
        } catch (JacksonException e) {
            throw syntaxError(e, e.getLocation(), e.getOriginalMessage(), text, source, kind);
        } catch (RuntimeException e) {
            // a jackson defect on hostile input must still come out as the library's own error
            throw syntaxError(e, null, e.toString(), text, source, kind);
        }
    }

    /**
     * Jackson's error, or the locator's when that finds the same or an earlier problem more precisely: jackson
     * reports a duplicate key after its value, and nesting or over-long numbers without a location at all.
     */
    private static ConfigException syntaxError(RuntimeException e, TokenStreamLocation loc, String message,
                                               SourceText text, Path source, Kind kind) {
        int offset = loc == null || e instanceof StreamConstraintsException ? -1
                : text.offsetOfCharColumn(loc.getLineNr(), loc.getColumnNr());
        TomlLocator.Result located = TomlLocator.scan(text.text());
        TomlLocator.Problem p = located.problem();
        // the locator's finding is as early or on the same line, and it says more than "Unknown token"
        if (p != null && (offset < 0 || p.offset() <= offset
                || text.locate(p.offset()).line() == text.locate(offset).line())) {
            return problem(p, text, source, kind);
        }
        if (offset < 0) {
            return new ConfigException(kind.noun(), source, KeyPath.ROOT, 0, 0, "the TOML cannot be read: "
                    + TomlTable.printable(message), e);
        }
        ConfigLocation where = text.locate(offset);
        return new ConfigException(kind.noun(), source, lastKeyBefore(located, offset), where.line(), where.column(),
                "TOML syntax error: " + TomlTable.printable(message)
                        + " (the file must be TOML 1.0, see " + kind.guide() + ")", e);
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

    private static ConfigException problem(TomlLocator.Problem p, SourceText text, Path source, Kind kind) {
        ConfigLocation where = text.locate(p.offset());
        return new ConfigException(kind.noun(), source, p.keyPath(), where.line(), where.column(), p.message(), null);
    }
}
