package io.mdevgpu.kernel.abi.nvrm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Field;
import io.mdevgpu.kernel.abi.nvrm.NvrmTables.Struct;

/**
 * Compares a Java layout with the compiler's: size, alignment, the same named fields in the same order, and each
 * field's offset, size and (for arrays and scalars) element width; a nested struct must be the family's layout of
 * the struct the compiler names (checked on its own against its table). Returns
 * every difference in words, so that a failing test says exactly what moved.
 */
final class LayoutComparator {
    private static final Map<String, Long> C_WIDTHS = Map.ofEntries(Map.entry("NvU8", 1L), Map.entry("char", 1L),
            Map.entry("NvBool", 1L), Map.entry("NvU16", 2L), Map.entry("NvU32", 4L), Map.entry("NvV32", 4L),
            Map.entry("NvS32", 4L), Map.entry("NvHandle", 4L), Map.entry("int", 4L), Map.entry("NvU64", 8L),
            Map.entry("NvP64", 8L));

    private LayoutComparator() {
    }

    static List<String> compare(Struct golden, GroupLayout java, Map<String, GroupLayout> family) {
        List<String> out = new ArrayList<>();
        String where = golden.name();
        if (!java.name().orElse("").equals(golden.name())) {
            out.add(where + ": the Java layout is named " + java.name().orElse("(nothing)"));
        }
        if (java.byteSize() != golden.size()) {
            out.add(where + ": size " + java.byteSize() + ", the compiler's " + golden.size());
        }
        if (java.byteAlignment() != golden.alignment()) {
            out.add(where + ": alignment " + java.byteAlignment() + ", the compiler's " + golden.alignment());
        }
        List<String> javaNames = new ArrayList<>();
        for (MemoryLayout m : java.memberLayouts()) {
            if (!(m instanceof PaddingLayout)) javaNames.add(m.name().orElse("(unnamed)"));
        }
        List<String> goldenNames = golden.fields().stream().map(Field::name).toList();
        if (!javaNames.equals(goldenNames)) {
            out.add(where + ": fields " + javaNames + ", the compiler's " + goldenNames);
        }
        for (Field f : golden.fields()) {
            if (!javaNames.contains(f.name())) continue;
            MemoryLayout m = java.select(PathElement.groupElement(f.name()));
            long offset = java.byteOffset(PathElement.groupElement(f.name()));
            String field = where + "." + f.name();
            if (offset != f.offset()) out.add(field + ": offset " + offset + ", the compiler's " + f.offset());
            if (m.byteSize() != f.size()) out.add(field + ": size " + m.byteSize() + ", the compiler's " + f.size());
            Long width = C_WIDTHS.get(f.type());
            if (width == null) {
                GroupLayout nested = family.get(f.type());
                if (!(m instanceof GroupLayout g) || nested == null || !g.withoutName().equals(nested.withoutName())) {
                    out.add(field + ": is not the family's struct " + f.type());
                }
            } else if (f.isArray() != m instanceof SequenceLayout) {
                out.add(field + ": " + (f.isArray() ? "an array in C, not in Java" : "an array in Java, not in C"));
            } else {
                MemoryLayout element = m instanceof SequenceLayout s ? s.elementLayout() : m;
                if (element.byteSize() != width) {
                    out.add(field + ": elements of " + element.byteSize() + " bytes, the compiler's " + f.type() + " is " + width);
                }
            }
        }
        return out;
    }
}
