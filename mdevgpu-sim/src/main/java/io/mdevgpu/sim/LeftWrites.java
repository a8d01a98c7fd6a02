package io.mdevgpu.sim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.mdevgpu.KernelException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes that other programs left in a kept host's tree, where no simulated kernel answered them: {@code mdevctl
 * start} writes a UUID into a type's plain {@code create} file, {@code mdevctl stop} {@code 1} into an instance's
 * {@code remove}. The kernel acts on such a write at once; the simulator acts on it at the next open of the host,
 * through a table of the attribute files it watches, each with what answers a write to it (more rows join as the
 * simulator answers more files). Each file is emptied first, as sysfs shows a write-only attribute; a write the kernel
 * would have refused changes nothing and is logged as a warning naming the file, the text and the errno.
 */
final class LeftWrites {
    private static final Logger LOG = LoggerFactory.getLogger(LeftWrites.class);
    private static final int PAGE = 4096;

    /** One row: the files, as the tree stands now, and what answers a write to one of them. */
    private record Watched(String what, Supplier<List<Path>> files, AttributeWriter answer) {
    }

    private final SysfsTreeWriter tree;
    private final List<Watched> table = new ArrayList<>();

    LeftWrites(SysfsTreeWriter tree) {
        this.tree = Objects.requireNonNull(tree, "tree");
    }

    /** Watches {@code files} ({@code what} they are: "a type's create"), answering a write left in one with {@code answer}. */
    LeftWrites watch(String what, Supplier<List<Path>> files, AttributeWriter answer) {
        table.add(new Watched(what, files, answer));
        return this;
    }

    /** Acts on every write left in a watched file, row by row; how many there were. In the host's section. */
    int apply() {
        int found = 0;
        for (Watched w : table) {
            for (Path file : w.files().get()) {
                String text = read(file);
                if (text.isEmpty()) continue;
                found++;
                tree.file(file, "");
                try {
                    w.answer().write(file, text, "act on the write another program left in " + w.what());
                    LOG.info("simulated kernel: acted on {} left in {} by another program while the host was not open",
                            printable(text), file);
                } catch (KernelException e) {
                    LOG.warn("simulated kernel: refused {} left in {} by another program while the host was not open, "
                            + "as the kernel would have refused the write: {}", printable(text), file, e.errno());
                }
            }
        }
        return found;
    }

    /** At most a page, as sysfs takes a write; bytes as they are (ISO-8859-1 keeps each one). */
    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(PAGE), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return ""; // gone with its instance, removed by an earlier row
        } catch (IOException e) {
            throw SysfsReader.failure("read", file, e);
        }
    }

    private static String printable(String text) {
        return "\"" + text.strip() + "\"";
    }
}
