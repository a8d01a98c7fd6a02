package io.mdevgpu.kernel.nvvf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.mdevgpu.KernelException;
import io.mdevgpu.NoSuchDeviceException;
import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.sysfs.AttributeWriter;
import io.mdevgpu.kernel.sysfs.SysfsLayout;
import io.mdevgpu.kernel.sysfs.SysfsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VF's {@code nvidia/} directory through sysfs: reads with plain file I/O (no native access needed), writes
 * {@code current_vgpu_type} through an {@link AttributeWriter}, one {@code write(2)} of the decimal id, so the
 * driver's errno reaches the caller as its own exception, with the VF, the type and the fix named
 * ({@link NvidiaVfErrors}). Stateless and thread-safe; locking a VF against other processes, and reading the
 * type back after a write, are the caller's.
 */
public final class LinuxNvidiaVf implements NvidiaVfPort {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxNvidiaVf.class);

    private final SysfsLayout layout;
    private final AttributeWriter writer;

    /** The running host's VFs, written with real syscalls. */
    public LinuxNvidiaVf() {
        this(SysfsLayout.host(), AttributeWriter.LINUX);
    }

    /** The VFs at {@code layout}, written through {@code writer} (the simulated kernel passes its own). */
    public LinuxNvidiaVf(SysfsLayout layout, AttributeWriter writer) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    public SysfsLayout layout() {
        return layout;
    }

    @Override
    public boolean isVgpuCapable(PciAddress vf) {
        return Files.isDirectory(layout.nvidiaVf(vf));
    }

    @Override
    public List<CreatableType> creatableTypes(PciAddress vf) {
        Path file = layout.nvidiaVfCreatableTypes(vf);
        return CreatableTypesFile.parse(file, read(vf, file));
    }

    @Override
    public int currentType(PciAddress vf) {
        Path file = layout.nvidiaVfCurrentType(vf);
        String text = read(vf, file);
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw SysfsReader.malformed(file, text, "a decimal type id (0: no vGPU)");
        }
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw SysfsReader.malformed(file, Long.toString(id), "a type id >= 0 (0: no vGPU)");
        }
        return (int) id;
    }

    /** The file's text; a missing VF or {@code nvidia/} directory is named as such, with what to do. */
    private String read(PciAddress vf, Path file) {
        try {
            return SysfsReader.text(file);
        } catch (NoSuchDeviceException e) {
            throw NvidiaVfErrors.readFailure(this, vf, file, e);
        }
    }

    @Override
    public void setType(PciAddress vf, int typeId) {
        Objects.requireNonNull(vf, "vf");
        if (typeId <= 0) {
            throw new ValidationException("vGPU type id for VF " + vf, Integer.toString(typeId),
                    "a positive id from the VF's creatable_vgpu_types (0 deletes the vGPU: call clearType)");
        }
        Path file = layout.nvidiaVfCurrentType(vf);
        try {
            writer.write(file, Integer.toString(typeId), "create vGPU");
        } catch (KernelException e) {
            if (e.errno() == null) throw e;
            throw NvidiaVfErrors.setFailure(this, vf, typeId, e);
        }
        LOG.info("created vGPU of type {} on VF {}", typeId, vf);
    }

    @Override
    public void clearType(PciAddress vf) {
        Objects.requireNonNull(vf, "vf");
        Path file = layout.nvidiaVfCurrentType(vf);
        try {
            writer.write(file, "0", "delete vGPU");
        } catch (KernelException e) {
            if (e.errno() == null) throw e;
            throw NvidiaVfErrors.clearFailure(this, vf, e);
        }
        LOG.info("deleted the vGPU on VF {}", vf);
    }

    @Override
    public String toString() {
        return "LinuxNvidiaVf[" + layout.sys() + "]";
    }
}
