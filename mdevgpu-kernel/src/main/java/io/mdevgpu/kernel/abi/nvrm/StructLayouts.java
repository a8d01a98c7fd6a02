package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Table;

/**
 * Lays a table's structs out by C's rules (x86-64): each field at its type's natural alignment, the struct rounded
 * up to its largest. Only names, types and array lengths come from the table; the compiler's offsets and sizes then
 * check the result, so a table that contradicts itself fails here, naming the struct and field.
 */
final class StructLayouts {
    private static final Map<String, ValueLayout> SCALARS = Map.ofEntries(
            Map.entry("NvU8", ValueLayout.JAVA_BYTE),
            Map.entry("char", ValueLayout.JAVA_BYTE),
            Map.entry("NvBool", ValueLayout.JAVA_BYTE),
            Map.entry("NvU16", ValueLayout.JAVA_SHORT),
            Map.entry("NvU32", ValueLayout.JAVA_INT),
            Map.entry("NvV32", ValueLayout.JAVA_INT),
            Map.entry("NvS32", ValueLayout.JAVA_INT),
            Map.entry("NvHandle", ValueLayout.JAVA_INT),
            Map.entry("int", ValueLayout.JAVA_INT),
            Map.entry("NvU64", ValueLayout.JAVA_LONG),
            Map.entry("NvP64", ValueLayout.ADDRESS));

    private StructLayouts() {
    }

    /** The size of the C scalar {@code type} ({@code NvU32}: 4), or -1 where it names no scalar (a struct). */
    static long scalarSize(String type) {
        ValueLayout v = SCALARS.get(type);
        return v == null ? -1 : v.byteSize();
    }

    /** Every struct of {@code table}, by name; a nested struct precedes the first that holds it. */
    static Map<String, GroupLayout> of(Table table) {
        Map<String, GroupLayout> done = new LinkedHashMap<>();
        for (String name : table.structs().keySet()) {
            layout(name, table, done);
        }
        return Collections.unmodifiableMap(done);
    }

    private static GroupLayout layout(String name, Table table, Map<String, GroupLayout> done) {
        GroupLayout have = done.get(name);
        if (have != null) return have;
        Struct struct = table.struct(name);
        List<MemoryLayout> members = new ArrayList<>();
        long offset = 0, alignment = 1;
        for (Field f : struct.fields()) {
            MemoryLayout element = SCALARS.get(f.type());
            if (element == null) {
                if (!table.structs().containsKey(f.type())) {
                    throw new IllegalStateException(table.release() + ": " + name + "." + f.name() + " has the type " + f.type()
                            + ", neither a known scalar " + SCALARS.keySet() + " nor a struct of the table");
                }
                element = layout(f.type(), table, done);
            }
            long count = f.isArray() ? f.size() / element.byteSize() : 1;
            long aligned = alignUp(offset, element.byteAlignment());
            if (aligned > offset) members.add(MemoryLayout.paddingLayout(aligned - offset));
            if (aligned != f.offset() || count * element.byteSize() != f.size()) {
                throw new IllegalStateException(table.release() + ": " + name + "." + f.declaration() + " lies at " + aligned
                        + " (" + count * element.byteSize() + " bytes) by C's rules but at " + f.offset() + " (" + f.size()
                        + " bytes) in the table");
            }
            members.add((f.isArray() ? MemoryLayout.sequenceLayout(count, element) : element).withName(f.name()));
            offset = aligned + count * element.byteSize();
            alignment = Math.max(alignment, element.byteAlignment());
        }
        long size = alignUp(offset, alignment);
        if (size > offset) members.add(MemoryLayout.paddingLayout(size - offset));
        if (size != struct.size() || alignment != struct.alignment()) {
            throw new IllegalStateException(table.release() + ": " + name + " is " + size + " bytes aligned to " + alignment
                    + " by C's rules but " + struct.size() + " aligned to " + struct.alignment() + " in the table");
        }
        GroupLayout layout = MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new)).withName(name);
        done.put(name, layout);
        return layout;
    }

    private static long alignUp(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
