package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;
import io.mdevgpu.ValidationException;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A persistent vGPU on an SR-IOV virtual function (NVIDIA's vendor-specific VFIO), as {@link VfDefinitionStore}
 * keeps it: a vGPU of type {@code typeId} on GPU {@code pf}, on the VF {@code vf} when pinned to one (else on any
 * free VF of that GPU), with the {@code uuid} QEMU gets as {@code -uuid}. mdevctl does not manage VFs, so these live
 * beside its definitions in mdevgpu's own format (docs/vf-definitions.md).
 *
 * @param uuid      the vGPU's UUID
 * @param pf        the GPU (SR-IOV physical function)
 * @param vf        the VF it is pinned to, or empty for any free VF of {@code pf}
 * @param typeId    the driver's type id, as {@code creatable_vgpu_types} lists it ({@code 1414})
 * @param typeName  the type's name ({@code NVIDIA H200X-1-18C}): ids are per GPU model, so the name is kept to check
 *                  that the id still means the same type
 * @param autoStart whether boot re-creates it ({@code "start": "auto"}) or only {@code start} does ({@code "manual"})
 * @param owner     who uses the vGPU (a libvirt domain, a Nova instance), or empty
 */
public record VfDefinition(UUID uuid, PciAddress pf, Optional<PciAddress> vf, int typeId, String typeName,
                           boolean autoStart, Optional<String> owner) {
    /** The longest type name or owner accepted. */
    public static final int MAX_TEXT = 256;

    public VfDefinition {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(pf, "pf");
        Objects.requireNonNull(vf, "vf");
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(owner, "owner");
        if (vf.isPresent() && vf.get().equals(pf)) {
            throw new ValidationException("VF of the vGPU " + uuid, vf.get().toString(),
                    "a virtual function of " + pf + ", not the GPU itself");
        }
        if (typeId <= 0) {
            throw new ValidationException("vGPU type id", Integer.toString(typeId), "a positive id from creatable_vgpu_types");
        }
        checkText("vGPU type name", typeName);
        owner.ifPresent(o -> checkText("vGPU owner", o));
    }

    /** A definition of the vGPU {@code uuid}: set at least {@link Builder#pf} and {@link Builder#type}. */
    public static Builder builder(UUID uuid) {
        return new Builder(uuid);
    }

    /** This definition as a builder, to change a property. */
    public Builder toBuilder() {
        return new Builder(uuid).pf(pf).vf(vf.orElse(null)).type(typeId, typeName).autoStart(autoStart)
                .owner(owner.orElse(null));
    }

    /** Builds a {@link VfDefinition}; {@link #build()} checks it as the constructor does. Not thread-safe. */
    public static final class Builder {
        private final UUID uuid;
        private PciAddress pf;
        private PciAddress vf;
        private int typeId;
        private String typeName;
        private boolean autoStart;
        private String owner;

        private Builder(UUID uuid) {
            this.uuid = Objects.requireNonNull(uuid, "uuid");
        }

        /** The GPU (physical function). */
        public Builder pf(PciAddress pf) { this.pf = pf; return this; }
        /** The VF to pin the vGPU to; null (the default) for any free VF of the GPU. */
        public Builder vf(PciAddress vf) { this.vf = vf; return this; }
        /** The driver's type id and the type's name, as {@code creatable_vgpu_types} lists them. */
        public Builder type(int typeId, String typeName) { this.typeId = typeId; this.typeName = typeName; return this; }
        /** Whether boot starts it ({@code "auto"}); false (the default) for {@code "manual"}. */
        public Builder autoStart(boolean autoStart) { this.autoStart = autoStart; return this; }
        /** Who uses the vGPU; null (the default) for nobody recorded. */
        public Builder owner(String owner) { this.owner = owner; return this; }

        /** @throws ValidationException naming the first property that is missing or wrong */
        public VfDefinition build() {
            if (pf == null) throw new ValidationException("GPU of the vGPU " + uuid, null, "a PCI address, set with pf()");
            if (typeName == null) throw new ValidationException("type of the vGPU " + uuid, null, "an id and name, set with type()");
            return new VfDefinition(uuid, pf, Optional.ofNullable(vf), typeId, typeName, autoStart, Optional.ofNullable(owner));
        }
    }

    /** One line of text: not blank, at most {@link #MAX_TEXT} characters, no control characters. */
    static void checkText(String what, String text) {
        if (text.isBlank() || text.length() > MAX_TEXT || text.chars().anyMatch(Character::isISOControl)
                || !text.equals(text.strip())) {
            throw new ValidationException(what, text, "one line of 1 to " + MAX_TEXT
                    + " characters, no control characters, no leading or trailing blanks");
        }
    }

    @Override
    public String toString() {
        return uuid + ": " + typeId + " " + typeName + " on " + pf + vf.map(v -> " (VF " + v + ")").orElse(" (any VF)")
                + ", start " + (autoStart ? "auto" : "manual") + owner.map(o -> ", owner " + o).orElse("");
    }
}
