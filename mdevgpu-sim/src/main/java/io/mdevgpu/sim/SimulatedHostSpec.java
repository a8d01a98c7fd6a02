package io.mdevgpu.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;

/**
 * What a simulated host is: the NVIDIA driver release it runs and its GPUs (the core builds one from a TOML
 * inventory), and where its tree goes. Build one with {@link #newBuilder()}.
 *
 * @param driverVersion the driver's version as it prints it ({@code 550.54.14}); its layout family is the one the
 *                      simulated driver decodes
 * @param gpus          the GPUs, sorted by address; each becomes {@code /dev/nvidia<i>} in that order
 * @param root          where to materialise the tree ({@code sys}, {@code dev}, {@code etc/mdevctl.d},
 *                      {@code proc}), an empty or missing directory kept after close; empty: a temporary
 *                      directory deleted on close
 * @param procVersionText what {@code /proc/driver/nvidia/version} says, as a real host's build printed it (it must
 *                      name {@code driverVersion}); empty: {@link SimNvidiaDriver#procVersionText(String)}
 */
public record SimulatedHostSpec(String driverVersion, List<SimulatedGpu> gpus, Optional<Path> root,
                                Optional<String> procVersionText) {
    public SimulatedHostSpec {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(procVersionText, "procVersionText");
        NvrmRelease release = NvrmRelease.parse(driverVersion);
        NvrmAbi.forRelease(release, "simulated NVIDIA driver"); // refuses unknown releases
        procVersionText.ifPresent(text -> {
            if (!NvrmRelease.fromProcVersion(text).equals(release)) {
                throw new ValidationException("/proc/driver/nvidia/version of a simulated host", text.lines().findFirst()
                        .orElse(""), "a version line naming the driver's version " + driverVersion);
            }
        });
        // an own lambda, which the AOT cache keeps; Comparator.comparing's is spun at every start of a CLI command
        gpus = gpus.stream().sorted((a, b) -> a.device().address().compareTo(b.device().address())).toList();
        Set<Object> addresses = new HashSet<>();
        Set<Integer> groups = new HashSet<>();
        for (SimulatedGpu g : gpus) {
            if (!addresses.add(g.device().address())) {
                throw new ValidationException("simulated host", g.device().address().toString(), "each GPU address once");
            }
            g.device().iommuGroup().ifPresent(n -> {
                if (!groups.add(n)) {
                    throw new ValidationException("simulated host", "IOMMU group " + n,
                            "one GPU per IOMMU group (GPU " + g.device().address() + " shares one)");
                }
            });
        }
    }

    /** What the host's {@code /proc/driver/nvidia/version} says: the spec's text or the simulated build's. */
    public String versionFileText() {
        return procVersionText.orElseGet(() -> SimNvidiaDriver.procVersionText(driverVersion));
    }

    /** The release the simulated driver pretends to be. */
    public NvrmRelease release() {
        return NvrmRelease.parse(driverVersion);
    }

    public static Builder newBuilder() {
        return new Builder();
    }

    /** {@code driver 550.54.14, 3 GPUs: 0000:65:00.0 NVIDIA A100 ..., ...}. */
    @Override
    public String toString() {
        return "simulated host: driver " + driverVersion + ", " + gpus.size() + (gpus.size() == 1 ? " GPU" : " GPUs")
                + gpus.stream().map(SimulatedGpu::toString).collect(Collectors.joining("; ", gpus.isEmpty() ? "" : ": ", ""))
                + root.map(r -> ", at " + r).orElse("");
    }

    public static final class Builder {
        private String driverVersion;
        private final List<SimulatedGpu> gpus = new ArrayList<>();
        private Path root;
        private String procVersionText;

        private Builder() {
        }

        /** The driver's version, {@code 550.54.14}; required. */
        public Builder driverVersion(String version) {
            this.driverVersion = version;
            return this;
        }

        public Builder gpu(SimulatedGpu gpu) {
            gpus.add(Objects.requireNonNull(gpu, "gpu"));
            return this;
        }

        /** Materialise into {@code root} (empty or missing) and keep it; by default a temporary directory. */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /**
         * The text of {@code /proc/driver/nvidia/version}, such as a real host's build printed it ({@code NVRM version:
         * NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)  ...}); it must name the
         * driver's version. By default the simulated build's text.
         */
        public Builder procVersionText(String text) {
            this.procVersionText = text;
            return this;
        }

        public SimulatedHostSpec build() {
            if (driverVersion == null) {
                throw new ValidationException("simulated host", null, "a driver version is required (e.g. 550.54.14)");
            }
            return new SimulatedHostSpec(driverVersion, gpus, Optional.ofNullable(root), Optional.ofNullable(procVersionText));
        }
    }
}
