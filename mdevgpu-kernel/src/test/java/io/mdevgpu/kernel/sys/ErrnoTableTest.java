package io.mdevgpu.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.Errno;
import io.mdevgpu.kernel.abi.CHeaderProbe;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import io.mdevgpu.kernel.testing.Required;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's errno table against the C library's: each number the table knows has glibc's name
 * ({@code strerrorname_np}) and {@code strerror} text. The text matters beyond printing: the JDK reports most file
 * errors only by that text, and {@code SysfsReader.errnoOf} finds the errno by it.
 */
class ErrnoTableTest {
    @TempDir
    Path dir;

    @Test
    void everyKnownErrnoHasGlibcsNameAndText() throws Exception {
        Required.tool("gcc", "gcc libc6-dev");
        Path src = dir.resolve("errnos.c"), exe = dir.resolve("errnos");
        Files.writeString(src, """
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <string.h>
                int main(void) {
                    for (int n = 1; n < 134; n++) {
                        const char *name = strerrorname_np(n);
                        printf("%d|%s|%s\\n", n, name ? name : "", strerror(n));
                    }
                    return 0;
                }
                """);
        run(CHeaderProbe.gcc().orElseThrow().toString(), "-std=gnu11", "-Wall", "-Werror", "-o", exe.toString(), src.toString());
        List<String> checked = new ArrayList<>();
        for (String line : run(exe.toString()).lines().toList()) {
            String[] f = line.split("\\|", 3);
            Errno e = Errno.of(Integer.parseInt(f[0]));
            if (e.name().startsWith("errno ")) continue; // a number the table does not know prints as its number
            assertEquals(f[1], e.name(), "name of errno " + f[0]);
            assertEquals(f[2], e.description(), "strerror of " + f[1]);
            checked.add(f[1]);
        }
        assertTrue(checked.size() >= 40 && checked.containsAll(List.of("EDQUOT", "ENOLCK", "EDEADLK", "ENOSPC")), checked::toString);
    }

    @Test
    void aJdkFileErrorNamesItsErrno() {
        Path f = Path.of("/etc/mdevctl.d/x");
        assertEquals(Errno.ENOENT, SysfsReader.errnoOf(new java.nio.file.NoSuchFileException(f.toString())));
        assertEquals(Errno.EACCES, SysfsReader.errnoOf(new java.nio.file.AccessDeniedException(f.toString())));
        assertEquals(Errno.EEXIST, SysfsReader.errnoOf(new java.nio.file.FileAlreadyExistsException(f.toString())));
        assertEquals(Errno.EDQUOT, SysfsReader.errnoOf(new java.nio.file.FileSystemException(f.toString(), null, "Disk quota exceeded")));
        assertEquals(Errno.ENOSPC, SysfsReader.errnoOf(new java.io.IOException("No space left on device")), "a channel's write");
        assertEquals(Errno.EIO, SysfsReader.errnoOf(new java.io.IOException("something else")));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
