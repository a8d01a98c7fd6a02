package io.mdevgpu.core.host;

import io.mdevgpu.PermissionDeniedException;
import io.mdevgpu.Size;
import io.mdevgpu.core.inventory.HostInventory;
import io.mdevgpu.core.inventory.InventoryGpu;
import io.mdevgpu.core.partition.GpuCatalogue;
import io.mdevgpu.core.partition.GpuModel;
import io.mdevgpu.kernel.nvrm.RmTransport;
import io.mdevgpu.kernel.pci.PciDevice;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What sysfs does not say about a GPU: its product name and the framebuffer the driver can place instances in. A
 * simulated host knows both from its inventory; on a real one the driver's
 * {@code /proc/driver/nvidia/gpus/<address>/information} names the model and the catalogue gives the framebuffer of
 * the boards it knows.
 */
interface GpuFacts {
    /** The product name, {@code NVIDIA A100-SXM4-40GB}; a generic name when nothing knows it. */
    String model(PciDevice gpu);

    /** The usable framebuffer; {@link Size#ZERO} when nothing knows it (planning says so). */
    Size framebuffer(PciDevice gpu);

    static GpuFacts of(HostInventory inventory) {
        return new GpuFacts() {
            @Override
            public String model(PciDevice gpu) {
                return inventory.gpu(gpu.address()).map(InventoryGpu::model).orElseGet(() -> generic(gpu));
            }

            @Override
            public Size framebuffer(PciDevice gpu) {
                return inventory.gpu(gpu.address()).map(InventoryGpu::framebuffer).orElse(Size.ZERO);
            }
        };
    }

    /** The real host: {@code versionFile} is {@code /proc/driver/nvidia/version}, read through the driver's transport. */
    static GpuFacts ofDriver(RmTransport nvidia, String versionFile) {
        return new GpuFacts() {
            @Override
            public String model(PciDevice gpu) {
                Path information = Path.of(versionFile).resolveSibling("gpus").resolve(gpu.address().toString())
                        .resolve("information");
                Optional<String> text;
                try {
                    text = nvidia.readText(information.toString());
                } catch (PermissionDeniedException e) {
                    text = Optional.empty(); // a name is not worth failing a listing for: the catalogue's then
                }
                return text.flatMap(GpuFacts::modelLine)
                        .or(() -> catalogue(gpu).map(GpuModel::name)).orElseGet(() -> generic(gpu));
            }

            @Override
            public Size framebuffer(PciDevice gpu) {
                return catalogue(gpu).map(GpuModel::framebuffer).orElse(Size.ZERO);
            }
        };
    }

    /** {@code Model: 		 NVIDIA H100 80GB HBM3} of the driver's information file. */
    static Optional<String> modelLine(String information) {
        return information.lines().filter(l -> l.startsWith("Model:")).map(l -> l.substring("Model:".length()).strip())
                .filter(s -> !s.isEmpty()).findFirst();
    }

    private static Optional<GpuModel> catalogue(PciDevice gpu) {
        return GpuCatalogue.all().stream().filter(m -> m.pciId().vendor() == gpu.id().vendor()
                && m.pciId().device() == gpu.id().device()).findFirst();
    }

    private static String generic(PciDevice gpu) {
        return gpu.className() + " " + gpu.id();
    }
}
