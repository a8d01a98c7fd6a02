package io.mdevgpu.core.host;

import java.nio.file.Path;
import java.util.UUID;

import io.mdevgpu.AlreadyExistsException;
import io.mdevgpu.HostSpec;
import io.mdevgpu.MdevException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.PciAddress;
import io.mdevgpu.sim.Faults;
import io.mdevgpu.sim.SimulatedKernel;
import io.mdevgpu.kernel.sysfs.HostLock;

/**
 * A second JVM using a simulated host kept in a directory, for the tests between processes.
 * <ul>
 * <li>{@code race ROOT CONFIG COUNT}: applies CONFIG, then creates and defines UUIDs 0..COUNT-1 on the first A100
 * (nvidia-532), printing {@code applied}, then {@code created N defined M} (what it won).
 * <li>{@code hold FILE}: takes the {@link HostLock} of FILE, prints {@code held FILE}, and keeps it until killed.
 * <li>{@code open ROOT UUID [HOST]}: opens vGPU UUID's VFIO device (an mdev instance's or a VF's; HOST names the
 * built-in inventory, {@code default} if not given), prints {@code open UUID vendor 0x10de}, and keeps it open until
 * killed, or until its stdin ends: then it closes the device and the host, prints {@code closed} and exits.
 * <li>{@code hold-group ROOT UUID}: opens only the VFIO group of instance UUID, prints {@code holding group N of UUID},
 * and keeps it until killed.
 * <li>{@code churn ROOT CONFIG [HANG_AFTER]}: prints {@code ready}, then applies (keeping types), creates, opens,
 * defines, undefines and removes in a loop until it is killed, printing {@code step N applied} (created, opened,
 * defined, undefined, removed) as each step finishes and {@code step N done} after each whole round, for the parent to
 * wait on; with HANG_AFTER, it stops reporting and blocks after that many rounds (a hung process, for the test that
 * the parent's wait catches one).
 * <li>{@code apply-stop ROOT CONFIG CALL}: applies CONFIG until the simulated driver's call CALL (e.g.
 * {@code CONTROL VGPU_CONFIG_MDEV_REGISTER}), where it prints {@code stopped at CALL} and waits to be killed.
 * </ul>
 */
public final class HostUserProcess {
    static final PciAddress A100 = PciAddress.parse("0000:17:00.0");
    static final String TYPE = "nvidia-532";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) { // hold FILE: takes the lock FILE, says "held", and keeps it until killed
            try (HostLock lock = HostLock.acquire(Path.of(args[1]))) {
                System.out.println("held " + lock.file());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            return;
        }
        if (args[0].equals("open")) { // open ROOT UUID [HOST]: opens the vGPU's VFIO device, keeps it until killed or stdin ends
            String inventory = args.length > 3 ? args[3] : "default";
            try (MdevHost host = MdevHost.open(HostSpec.simulatedAt(inventory, Path.of(args[1])));
                 var device = host.instance(UUID.fromString(args[2])).orElseThrow().open()) {
                System.out.println("open " + args[2] + " vendor 0x" + Long.toHexString(device.config().read(0, 2)));
                System.out.flush();
                while (System.in.read() != -1) {
                    // the parent closes its end to let this one close the device and end
                }
            }
            System.out.println("closed");
            System.out.flush();
            return;
        }
        if (args[0].equals("hold-group")) { // hold-group ROOT UUID: opens only the instance's VFIO group, keeps it until killed
            try (MdevHost host = MdevHost.open(HostSpec.simulatedAt("default", Path.of(args[1])));
                 var container = ((EngineHost) host).vfio().openContainer()) {
                UUID uuid = UUID.fromString(args[2]);
                int group = host.instance(uuid).orElseThrow().iommuGroup();
                container.openGroup(group);
                System.out.println("holding group " + group + " of " + uuid);
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            return;
        }
        Path root = Path.of(args[1]);
        Path config = Path.of(args[2]);
        try (MdevHost host = MdevHost.open(HostSpec.simulatedAt("default", root))) {
            switch (args[0]) {
                case "race" -> {
                    host.plan(config).apply();
                    System.out.println("applied");
                    int count = Integer.parseInt(args[3]), created = 0, defined = 0;
                    for (int i = 0; i < count; i++) {
                        try {
                            host.gpu(A100.toString()).create(TYPE, uuid(i));
                            created++;
                        } catch (AlreadyExistsException e) {
                            // the other process was first
                        }
                        try {
                            host.definitions().define(uuid(100 + i), A100, TYPE, i % 2 == 0);
                            defined++;
                        } catch (AlreadyExistsException e) {
                            // the other process was first
                        }
                    }
                    System.out.println("created " + created + " defined " + defined);
                }
                case "churn" -> {
                    long hangAfter = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
                    System.out.println("ready");
                    System.out.flush();
                    for (long n = 0; ; n++) {
                        if (n == hangAfter) Thread.sleep(Long.MAX_VALUE);
                        UUID u = uuid((int) (n % 4));
                        try {
                            host.plan(config, true).apply(); // keeping the types: the other churner's instances use them
                            finished(n, "applied");
                            var vgpu = host.gpu(A100.toString()).create(TYPE, u);
                            finished(n, "created");
                            try (var device = vgpu.open()) {
                                device.config().read(0, 4);
                            }
                            finished(n, "opened");
                            host.definitions().define(u, A100, TYPE, true);
                            finished(n, "defined");
                            host.definitions().undefine(u);
                            finished(n, "undefined");
                            vgpu.remove();
                            finished(n, "removed");
                            finished(n, "done");
                        } catch (MdevException e) {
                            System.out.println("churn: " + e.getMessage()); // the other churner's, or one killed before
                            tidy(host, u);
                        }
                    }
                }
                case "apply-stop" -> {
                    ((SimulatedKernel) ((EngineHost) host).kernel()).faults().stopAt(Faults.Seam.NVIDIA, args[3], () -> {
                        System.out.println("stopped at " + args[3]);
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    host.plan(config).apply();
                    System.out.println("applied: never stopped at " + args[3]);
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    /**
     * Takes away what another churner left of {@code u}; it may take it away first (between a look and the change),
     * which is no failure here.
     */
    private static void tidy(MdevHost host, UUID u) {
        try {
            host.instance(u).ifPresent(i -> i.remove());
        } catch (MdevException takenFirst) {
            System.out.println("churn: " + takenFirst.getMessage());
        }
        try {
            if (host.definitions().get(u).isPresent()) host.definitions().undefine(u);
        } catch (MdevException takenFirst) {
            System.out.println("churn: " + takenFirst.getMessage());
        }
    }

    /** Reports a finished step on stdout, at once: the parent waits for these lines. */
    private static void finished(long round, String step) {
        System.out.println("step " + round + " " + step);
        System.out.flush();
    }

    static UUID uuid(int i) {
        return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", i));
    }
}
