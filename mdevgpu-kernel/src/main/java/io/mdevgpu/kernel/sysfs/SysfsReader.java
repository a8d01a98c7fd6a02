package io.mdevgpu.kernel.sysfs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;

import io.mdevgpu.Errno;
import io.mdevgpu.HostStateException;
import io.mdevgpu.KernelException;

/**
 * Reads sysfs with plain {@code java.nio}: no downcall, so discovery works without native access.
 *
 * <p>The error policy every reader follows: a file that cannot be read raises the {@link KernelException}
 * of its errno ({@code NoSuchDeviceException} for ENOENT, {@code PermissionDeniedException} for EACCES...),
 * and a file whose text is not what the kernel writes raises a {@link HostStateException}; both name the
 * path. The {@code optional...} methods return empty for a missing file only; a present but broken file
 * still raises.
 */
public final class SysfsReader {
    private SysfsReader() {
    }

    /** The attribute's text without its trailing newline. */
    public static String text(Path attribute) {
        try {
            return strip(Files.readString(attribute));
        } catch (IOException e) {
            throw readFailure(attribute, e);
        }
    }

    /** The attribute's text, or empty when the file does not exist. */
    public static Optional<String> optionalText(Path attribute) {
        try {
            return Optional.of(strip(Files.readString(attribute)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw readFailure(attribute, e);
        }
    }

    /** The attribute's bytes (a binary attribute such as {@code config}). */
    public static byte[] bytes(Path attribute) {
        try {
            return Files.readAllBytes(attribute);
        } catch (IOException e) {
            throw readFailure(attribute, e);
        }
    }

    /** A hex attribute ({@code 0x10de}) that must fit {@code bits} bits. */
    public static int hex(Path attribute, int bits) {
        return parseHex(attribute, text(attribute), bits);
    }

    /** Parses {@code 0x10de} (the prefix is optional) into an unsigned value of at most {@code bits} bits. */
    public static int parseHex(Path attribute, String text, int bits) {
        OptionalLong parsed = unsignedHex(text);
        if (parsed.isEmpty()) throw malformed(attribute, text, "a hex number such as 0x10de");
        long value = parsed.getAsLong();
        if (bits < 32 && value >>> bits != 0 || value >>> 32 != 0) {
            throw malformed(attribute, text, "a hex number of at most " + bits + " bits");
        }
        return (int) value;
    }

    /** An unsigned 64-bit hex number, {@code 0x} prefix optional, as the kernel prints them; empty if it is none. */
    public static OptionalLong unsignedHex(String text) {
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseUnsignedLong(digits, 16));
    }

    /** A decimal attribute ({@code available_instances}, {@code numa_node}). */
    public static long decimal(Path attribute) {
        String text = text(attribute);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(attribute, text, "a decimal number");
        }
    }

    /**
     * The last name of a symbolic link's target ({@code driver -> ../../../bus/pci/drivers/nvidia} gives
     * {@code nvidia}), or empty when there is no link (an unbound device has no {@code driver}).
     */
    public static Optional<String> linkName(Path link) {
        if (!Files.isSymbolicLink(link)) {
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                throw unexpected(link, "a plain file or directory where the kernel makes a symbolic link");
            }
            return Optional.empty();
        }
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            if (target == null) throw malformed(link, Files.readSymbolicLink(link).toString(), "a link to a named entry");
            return Optional.of(target.toString());
        } catch (IOException e) {
            throw readFailure(link, e);
        }
    }

    /** The IOMMU group behind an {@code iommu_group} link, or empty when the device has none (no IOMMU). */
    public static OptionalInt iommuGroup(Path deviceDirectory) {
        Path link = deviceDirectory.resolve("iommu_group");
        Optional<String> name = linkName(link);
        if (name.isEmpty()) return OptionalInt.empty();
        try {
            int group = Integer.parseInt(name.get());
            if (group < 0) throw new NumberFormatException();
            return OptionalInt.of(group);
        } catch (NumberFormatException e) {
            throw malformed(link, name.get(), "a link to kernel/iommu_groups/<number>");
        }
    }

    /** The names in a directory, sorted; an absent directory has none. */
    public static List<String> names(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            List<String> names = new ArrayList<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw readFailure(directory, e);
        }
    }

    /** The real path of {@code path} with every link resolved. */
    public static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw readFailure(path, e);
        }
    }

    /** The typed error for a file that could not be read, with the errno the JDK saw. */
    public static KernelException readFailure(Path path, IOException e) {
        return failure("read", path, e);
    }

    /** The typed error for a file operation that failed, with the errno the JDK saw. */
    public static KernelException failure(String operation, Path path, IOException e) {
        return failure(operation, path, e, null);
    }

    /** As {@link #failure(String, Path, IOException)}, saying what to do about it. */
    public static KernelException failure(String operation, Path path, IOException e, String fix) {
        return KernelException.of(operation, path.toString(), errnoOf(e), fix, e);
    }

    /** The typed error for a file whose text is not what the kernel writes. */
    public static HostStateException malformed(Path path, String text, String expected) {
        return unexpected(path, "malformed content \"" + abbreviate(text) + "\", expected " + expected);
    }

    /** The typed error for an entry that is not what the kernel makes. */
    public static HostStateException unexpected(Path path, String problem) {
        return new HostStateException("read", path.toString(), problem,
                "check the kernel and driver that own this file; mdevgpu reads it as the kernel documents it", null);
    }

    /**
     * The errno behind a JDK file error: the JDK maps ENOENT, EACCES, EEXIST and ENOTDIR to their own exception types
     * and keeps {@code strerror}'s text as the reason (or the message, for a failed read, write or fsync of a channel)
     * for the rest; EIO when the text is no errno's the table knows.
     */
    public static Errno errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) return Errno.ENOENT;
        if (e instanceof AccessDeniedException) return Errno.EACCES;
        if (e instanceof FileAlreadyExistsException) return Errno.EEXIST;
        if (e instanceof NotDirectoryException) return Errno.ENOTDIR;
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason != null) {
            for (int n = 1; n < 134; n++) {
                if (Errno.of(n).description().equals(reason)) return Errno.of(n);
            }
        }
        return Errno.EIO;
    }

    private static String strip(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine;
    }
}
