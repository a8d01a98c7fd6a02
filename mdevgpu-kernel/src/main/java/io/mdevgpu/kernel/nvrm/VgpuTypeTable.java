package io.mdevgpu.kernel.nvrm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mdevgpu.HostStateException;
import io.mdevgpu.MdevType;
import io.mdevgpu.NotVgpuHostException;
import io.mdevgpu.UnsupportedDriverException;
import io.mdevgpu.ValidationException;
import io.mdevgpu.kernel.abi.nvrm.NvClass;
import io.mdevgpu.kernel.abi.nvrm.NvControl;
import io.mdevgpu.kernel.abi.nvrm.NvEscape;
import io.mdevgpu.kernel.abi.nvrm.NvStatus;
import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import io.mdevgpu.kernel.abi.nvrm.VgpuTypeCodec;
import io.mdevgpu.kernel.abi.nvrm.VirtualizationMode;

/**
 * The vGPU type table of one GPU, through a short-lived vGPU config object ({@code NVA081_VGPU_CONFIG}) under its
 * subdevice: registering and discarding types, and reading them back. The bodies of {@link RmGpu#registerTypes},
 * {@link RmGpu#discardTypes}, {@link RmGpu#readType} and {@link RmGpu#supportedTypes}, which check that the GPU is
 * open first.
 */
final class VgpuTypeTable {
    /** RmGpu's logger, so that the INFO lines about types keep their category. */
    private static final Logger LOG = LoggerFactory.getLogger(RmGpu.class);

    private VgpuTypeTable() {
    }

    /** {@link RmGpu#registerTypes}. */
    static void register(RmClient client, RmGpu gpu, List<MdevType> types, boolean discardExisting) {
        VgpuTypeCodec codec = codec(client, gpu);
        validate(client, gpu, types, codec);
        onVgpuHost(gpu, hConfig -> {
            MemorySegment p = gpu.params(NvrmAbi.VGPU_CONFIG_INFO);
            for (int i = 0; i < types.size(); i++) {
                codec.encodeConfigInfo(p, types.get(i), gpu.pciId(), discardExisting && i == 0);
                client.control(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p,
                        gpu.target() + " type " + types.get(i).sysfsName());
            }
            client.control(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER, MemorySegment.NULL, gpu.target());
            LOG.info("registered {} vGPU type{} on {}{}: {}", types.size(), types.size() == 1 ? "" : "s", gpu.target(),
                    discardExisting ? " (earlier types discarded)" : "",
                    types.stream().map(MdevType::sysfsName).toList());
        });
    }

    /** {@link RmGpu#discardTypes}. */
    static void discard(RmClient client, RmGpu gpu, boolean publish) {
        VgpuTypeCodec codec = codec(client, gpu);
        onVgpuHost(gpu, hConfig -> {
            MemorySegment p = gpu.params(NvrmAbi.VGPU_CONFIG_INFO);
            codec.encodeDiscardOnly(p);
            int status = client.tryControl(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO, p, gpu.target());
            if (status != NvStatus.NV_ERR_INVALID_ARGUMENT) {
                client.check(status, NvEscape.NV_ESC_RM_CONTROL, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_SET_INFO,
                        gpu.target() + " (discard every type)");
            }
            requireEmptied(gpu, codec, status);
            if (publish) {
                client.control(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_MDEV_REGISTER, MemorySegment.NULL, gpu.target());
            }
            LOG.info("discarded every vGPU type of {}{}", gpu.target(), publish ? " and published the empty table" : "");
        });
    }

    /**
     * The discard's answer is not taken for done: where the release reads types back, the table must be empty, or a
     * driver that checks the invalid type before it discards (and answers {@code NV_ERR_INVALID_ARGUMENT} all the
     * same) would pass for one that discarded.
     */
    private static void requireEmptied(RmGpu gpu, VgpuTypeCodec codec, int status) {
        if (codec.supportedTypesLayout().isEmpty()) return;
        List<Integer> left = gpu.supportedTypes();
        if (left.isEmpty()) return;
        throw new HostStateException("discard every vGPU type of", gpu.target(), "the driver answered "
                + NvStatus.describe(status) + " but still holds types: expected none, found " + String.join(", ",
                left.stream().map(n -> "nvidia-" + Integer.toUnsignedString(n)).toList()),
                "this driver refuses the discard before it empties the table; nothing was published: reload the NVIDIA "
                        + "driver to empty it", null);
    }

    /**
     * Checks that the GPU is a vGPU host (nothing is sent before that is known), then runs {@code change} with a vGPU
     * config object, freed afterwards; a failure to free is added to the change's own failure.
     */
    private static void onVgpuHost(RmGpu gpu, java.util.function.IntConsumer change) {
        int mode = gpu.virtualizationMode();
        if (mode != VirtualizationMode.HOST.code()) {
            throw new NotVgpuHostException(gpu.target(), VirtualizationMode.describe(mode));
        }
        int hConfig = gpu.allocObject(gpu.subdeviceHandle(), NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL);
        RuntimeException failure = null;
        try {
            change.accept(hConfig);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                gpu.freeObject(hConfig);
            } catch (RuntimeException e) {
                if (failure != null) failure.addSuppressed(e);
                else throw e;
            }
        }
    }

    private static void validate(RmClient client, RmGpu gpu, List<MdevType> types, VgpuTypeCodec codec) {
        if (types.isEmpty()) {
            throw new ValidationException("vGPU types for " + gpu.target(), "[]",
                    "at least one type: the driver takes types only by setting them");
        }
        if (types.size() > codec.limits().maxTypesPerGpu()) {
            throw new ValidationException("vGPU types for " + gpu.target(), types.size() + " types",
                    "at most " + codec.limits().maxTypesPerGpu() + " per GPU with driver " + client.release());
        }
        Set<Integer> numbers = new HashSet<>();
        for (MdevType t : types) {
            if (!numbers.add(t.number())) {
                throw new ValidationException("vGPU types for " + gpu.target(), t.sysfsName(), "each type number once");
            }
            codec.checkFits(t);
        }
    }

    /** {@link RmGpu#readType}. */
    static Optional<MdevType> read(RmClient client, RmGpu gpu, int number) {
        VgpuTypeCodec codec = codec(client, gpu);
        if (codec.typeInfoLayout().isEmpty()) throw noLayout(client, gpu, "GET_VGPU_TYPE_INFO");
        int hConfig = gpu.allocObject(gpu.subdeviceHandle(), NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL);
        try {
            MemorySegment p = gpu.params(NvrmAbi.VGPU_TYPE_INFO);
            codec.encodeTypeInfoRequest(p, number);
            int status = client.tryControl(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO, p, gpu.target());
            if (status == NvStatus.NV_ERR_OBJECT_NOT_FOUND) return Optional.empty();
            client.check(status, NvEscape.NV_ESC_RM_CONTROL, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_VGPU_TYPE_INFO,
                    gpu.target() + " type nvidia-" + Integer.toUnsignedString(number));
            return Optional.of(codec.decodeTypeInfo(p));
        } finally {
            gpu.freeObject(hConfig);
        }
    }

    /** {@link RmGpu#supportedTypes}. */
    static List<Integer> supported(RmClient client, RmGpu gpu) {
        VgpuTypeCodec codec = codec(client, gpu);
        if (codec.supportedTypesLayout().isEmpty()) throw noLayout(client, gpu, "GET_SUPPORTED_VGPU_TYPES");
        int hConfig = gpu.allocObject(gpu.subdeviceHandle(), NvClass.NVA081_VGPU_CONFIG, MemorySegment.NULL);
        try {
            MemorySegment p = gpu.params(NvrmAbi.VGPU_TYPES);
            codec.encodeSupportedTypesRequest(p, 0);
            client.control(hConfig, NvControl.NVA081_CTRL_CMD_VGPU_CONFIG_GET_SUPPORTED_VGPU_TYPES, p, gpu.target());
            int[] out = new int[codec.limits().maxTypesPerGpu()];
            int n = Math.min(codec.supportedTypes(p, out), out.length);
            List<Integer> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) list.add(out[i]);
            return List.copyOf(list);
        } finally {
            gpu.freeObject(hConfig);
        }
    }

    private static VgpuTypeCodec codec(RmClient client, RmGpu gpu) {
        return client.abi().vgpuTypes().orElseThrow(() -> noLayout(client, gpu, "vGPU type"));
    }

    private static UnsupportedDriverException noLayout(RmClient client, RmGpu gpu, String what) {
        List<String> with = new ArrayList<>();
        for (NvrmAbi abi : NvrmAbi.values()) {
            boolean has = (what.equals("vGPU type") ? abi.vgpuTypes() : abi.vgpuTypeReader()).isPresent();
            if (has) with.add(abi.releases());
        }
        return new UnsupportedDriverException(gpu.target() + " (" + what + " layout)", client.release().version(), with);
    }
}
