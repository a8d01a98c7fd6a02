package io.mdevgpu.core.interop;

import io.mdevgpu.PciAddress;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The inventory of a host's vGPUs on SR-IOV virtual functions as JSON, for CloudStack, OpenStack Nova or any tool
 * that places VMs; schema {@value #SCHEMA}, documented in docs/vf-definitions.md:
 * <pre>{@code
 * {
 *   "schema": 1,
 *   "vgpus": [
 *     {
 *       "gpu": "0000:41:00.0",
 *       "vf": "0000:41:00.4",
 *       "type_id": 1414,
 *       "type_name": "NVIDIA H200X-1-18C",
 *       "uuid": "9ab1e3c4-5d6f-4a70-8b91-a2b3c4d5e6f7",
 *       "state": "active",
 *       "owner": null
 *     }
 *   ]
 * }
 * }</pre>
 * Every key is always present ({@code null} where there is no value), entries in a fixed order (GPU, then VF with
 * the unpinned definitions last, then UUID), so that the text of one host state is always the same. Pure.
 */
public final class VfInventory {
    /** The inventory's version; a later one only adds keys. */
    public static final int SCHEMA = 1;

    private VfInventory() {
    }

    /** Whether a VF holds the vGPU now, or only a definition describes it. */
    public enum State {
        /** The VF holds the type now. */
        ACTIVE,
        /** A definition exists and no VF holds it. */
        DEFINED;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One vGPU.
     *
     * @param gpu      the GPU (physical function)
     * @param vf       the VF that holds it, or that its definition pins; empty for a definition that takes any VF
     * @param typeId   the driver's type id
     * @param typeName the type's name, when known
     * @param uuid     its UUID, when one is recorded (a VF typed by another tool has none)
     * @param state    active or only defined
     * @param owner    who uses it, when recorded
     */
    public record Entry(PciAddress gpu, Optional<PciAddress> vf, int typeId, Optional<String> typeName,
                        Optional<UUID> uuid, State state, Optional<String> owner) {
        public Entry {
            Objects.requireNonNull(gpu, "gpu");
            Objects.requireNonNull(vf, "vf");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(owner, "owner");
            if (state == State.ACTIVE && vf.isEmpty()) {
                throw new IllegalArgumentException("an active vGPU is held by a VF: name it");
            }
        }

        /** The entry of a definition no VF holds. */
        public static Entry defined(VfDefinition d) {
            return new Entry(d.pf(), d.vf(), d.typeId(), Optional.of(d.typeName()), Optional.of(d.uuid()), State.DEFINED,
                    d.owner());
        }
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::gpu)
            .thenComparing(e -> e.vf().orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(e -> e.uuid().map(UUID::toString).orElse(""));

    /** The inventory of {@code entries}, two-space indented, with a final newline. */
    public static String json(List<Entry> entries) {
        List<Entry> sorted = entries.stream().sorted(ORDER).toList();
        StringBuilder sb = new StringBuilder("{\n  \"schema\": ").append(SCHEMA).append(",\n  \"vgpus\": [");
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            sb.append(i == 0 ? "\n" : ",\n")
                    .append("    {\n")
                    .append("      \"gpu\": ").append(MdevctlJson.string(e.gpu().toString())).append(",\n")
                    .append("      \"vf\": ").append(string(e.vf().map(PciAddress::toString))).append(",\n")
                    .append("      \"type_id\": ").append(e.typeId()).append(",\n")
                    .append("      \"type_name\": ").append(string(e.typeName())).append(",\n")
                    .append("      \"uuid\": ").append(string(e.uuid().map(UUID::toString))).append(",\n")
                    .append("      \"state\": ").append(MdevctlJson.string(e.state().json())).append(",\n")
                    .append("      \"owner\": ").append(string(e.owner())).append('\n')
                    .append("    }");
        }
        return sb.append(sorted.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    private static String string(Optional<String> value) {
        return value.map(MdevctlJson::string).orElse("null");
    }
}
