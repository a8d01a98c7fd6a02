package io.mdevgpu.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mdevgpu.HostSpec;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevHost;
import io.mdevgpu.Errno;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.LayoutMember;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.NvrmRelease;
import io.mdevgpu.kernel.abi.vfio.VfioAbi;
import io.mdevgpu.kernel.abi.vfio.VfioIoctls;
import org.slf4j.LoggerFactory;

/**
 * {@code mdevgpu abi [--nvidia-release VERSION]}: every struct layout and ioctl request number the library would use
 * on this host: VFIO's, and the NVIDIA RM layout family of the driver release (the option, else the host's driver:
 * {@code /proc/driver/nvidia/version} on a real host, the simulated driver's release on a simulated one).
 */
final class AbiCommand implements Verb {
    static final VerbSpec SPEC = VerbSpec.verb("abi")
            .description("Print every struct layout and ioctl number the library would use (VFIO and the NVIDIA "
                    + "driver's).")
            .option("--nvidia-release", "VERSION", "the NVIDIA driver release whose layouts to show, e.g. 580.159.04; "
                    + "default: the host's driver")
            .build();

    private final String nvidiaRelease;

    AbiCommand(Args args) {
        nvidiaRelease = args.value("--nvidia-release");
    }

    /** One struct of one ABI. */
    record Struct(String abi, String name, GroupLayout layout) {
    }

    @Override
    public int run(Invocation invocation) {
        Optional<NvrmRelease> release = release(invocation);
        Optional<NvrmAbi> nvrm = release.map(r -> {
            try {
                return NvrmAbi.forRelease(r, nvidiaRelease != null ? "--nvidia-release" : "NVIDIA driver");
            } catch (UnsupportedDriverException e) {
                if (nvidiaRelease == null) throw e;
                throw new ValidationException("--nvidia-release", nvidiaRelease,
                        "the library knows the NVIDIA releases " + String.join(", ", NvrmAbi.knownReleases()));
            }
        });
        List<Struct> structs = new ArrayList<>();
        for (StructLayout l : VfioAbi.STRUCTS) {
            structs.add(new Struct("vfio", l.name().orElseThrow(), l));
        }
        Map<String, Integer> vfioIoctls = VfioIoctls.all();
        nvrm.ifPresent(abi -> abi.structs().forEach((name, l) -> structs.add(new Struct("nvrm " + abi.family(), name, l))));
        PrintWriter out = invocation.out();
        if (invocation.json()) {
            List<Object> ss = new ArrayList<>();
            for (Struct s : structs) {
                List<Object> fields = new ArrayList<>();
                forEachField(s.layout(), (name, offset, size) -> fields.add(Json.object("name", name, "offset", offset, "size", size)));
                ss.add(Json.object("name", s.name(), "abi", s.abi(), "size", s.layout().byteSize(), "fields", fields));
            }
            List<Object> ioctls = new ArrayList<>();
            vfioIoctls.forEach((name, request) -> ioctls.add(ioctl("vfio", name, request)));
            nvrm.ifPresent(abi -> abi.ioctls().forEach((name, request) -> ioctls.add(ioctl("nvrm " + abi.family(), name, request))));
            Json.print(out, Json.object("vfio_header", VfioAbi.HEADER,
                    "nvidia_release", release.map(NvrmRelease::version).orElse(null),
                    "nvidia_family", nvrm.map(NvrmAbi::family).orElse(null),
                    "structs", ss, "ioctls", ioctls));
            return Main.OK;
        }
        out.println("VFIO (" + VfioAbi.HEADER + ")");
        printStructs(out, structs.stream().filter(s -> s.abi().equals("vfio")).toList());
        printIoctls(out, vfioIoctls);
        if (nvrm.isPresent()) {
            NvrmAbi abi = nvrm.get();
            out.println();
            out.println("NVIDIA RM " + release.get() + ": layout family " + abi);
            printStructs(out, structs.stream().filter(s -> !s.abi().equals("vfio")).toList());
            printIoctls(out, abi.ioctls());
        }
        return Main.OK;
    }

    private static Map<String, Object> ioctl(String abi, String name, int request) {
        return Json.object("name", name, "abi", abi, "request", Integer.toUnsignedLong(request),
                "request_hex", String.format("0x%08x", request));
    }

    /**
     * The NVIDIA release to show: the option's; else the simulated host's driver; else, on a real host,
     * {@code /proc/driver/nvidia/version}; empty where no NVIDIA driver is loaded (VFIO only, said on stderr).
     */
    private Optional<NvrmRelease> release(Invocation invocation) {
        if (nvidiaRelease != null) {
            return Optional.of(NvrmRelease.parse(nvidiaRelease));
        }
        HostSpec host = invocation.hostSpec();
        if (host.isSimulated()) {
            try (MdevHost h = invocation.openHost()) {
                return h.driver().map(d -> NvrmRelease.parse(d.version()));
            }
        }
        Path version = host.procRoot().resolve("driver/nvidia/version");
        try {
            return Optional.of(NvrmRelease.fromProcVersion(Files.readString(version)));
        } catch (NoSuchFileException e) {
            LoggerFactory.getLogger(AbiCommand.class).warn("no NVIDIA driver loaded ({} is missing): VFIO only; --nvidia-release VERSION shows a release's layouts", version);
            return Optional.empty();
        } catch (IOException e) {
            throw KernelException.of("read NVIDIA driver version", version.toString(), Errno.EIO,
                    "pass --nvidia-release VERSION instead", e);
        }
    }

    private static void printStructs(PrintWriter out, List<Struct> structs) {
        for (Struct s : structs) {
            out.println("  struct " + s.name() + ": " + s.layout().byteSize() + " bytes");
            Table fields = new Table("FIELD", "OFFSET", "SIZE");
            forEachField(s.layout(), (name, offset, size) -> fields.row(name, offset, size));
            fields.print(out, "    ");
        }
    }

    private static void printIoctls(PrintWriter out, Map<String, Integer> ioctls) {
        out.println("  ioctls:");
        Table table = new Table("NAME", "REQUEST");
        ioctls.forEach((name, request) -> table.row(name, String.format("0x%08x", request)));
        table.print(out, "    ");
    }

    interface FieldVisitor {
        void field(String name, long offset, long size);
    }

    /** The members of a struct (padding skipped) with their offsets; a union's members all sit at 0. */
    static void forEachField(GroupLayout layout, FieldVisitor visitor) {
        for (LayoutMember member : LayoutMember.members(layout)) {
            if (!(member.layout() instanceof PaddingLayout)) {
                visitor.field(member.layout().name().orElse("(unnamed)"), member.offset(), member.layout().byteSize());
            }
        }
    }
}
