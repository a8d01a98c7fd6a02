package io.mdevgpu.core.interop;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.Definitions.Definition;
import io.mdevgpu.PciAddress;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A second JVM writing to the same store, for the tests between processes: {@code define ROOT FIRST COUNT} defines
 * COUNT UUIDs from FIRST (printing "won N"), {@code die ROOT UUID} dies (halts) in the middle of writing UUID, after
 * its temporary file is written and before the rename, holding the lock.
 */
public final class StoreWriterProcess {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        PciAddress parent = PciAddress.parse("0000:65:00.0");
        switch (args[0]) {
            case "define" -> {
                int first = Integer.parseInt(args[2]), count = Integer.parseInt(args[3]), won = 0;
                MdevctlStore store = new MdevctlStore(root);
                for (int i = first; i < first + count; i++) {
                    try {
                        store.put(new Definition(uuid(i), parent, "nvidia-531", i % 2 == 0, List.of()), false);
                        won++;
                    } catch (AlreadyExistsException e) {
                        // the other process was first
                    }
                }
                System.out.println("won " + won);
            }
            case "die" -> {
                FileOps halting = new FileOps() {
                    @Override
                    public void force(FileChannel channel) throws IOException {
                        FileOps.super.force(channel);
                        System.out.println("dying");
                        System.out.flush();
                        Runtime.getRuntime().halt(9);
                    }
                };
                new MdevctlStore(root, halting).put(new Definition(UUID.fromString(args[2]), parent, "nvidia-531", true, List.of()), false);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static UUID uuid(int i) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", i));
    }

}
