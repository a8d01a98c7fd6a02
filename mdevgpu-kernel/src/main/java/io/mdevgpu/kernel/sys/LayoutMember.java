package io.mdevgpu.kernel.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * A struct member found by its name path and its offset from the outermost struct, read by walking the layouts'
 * members. It answers what {@code MemoryLayout.select} and {@code byteOffset} answer without the JDK's
 * {@code LayoutPath}, whose static initialiser spins seven method handles on its first use: some 9 ms of a cold
 * process, which the AOT cache does not keep.
 *
 * @param layout the member's layout, with its name
 * @param offset its byte offset from the start of the outermost struct
 */
public record LayoutMember(MemoryLayout layout, long offset) {
    /**
     * The member that {@code path} names: a member of {@code group}, then of that member, and so on.
     *
     * @throws IllegalArgumentException naming the layout and the name where a step has no such member or is no group
     */
    public static LayoutMember of(GroupLayout group, String... path) {
        if (path.length == 0) throw new IllegalArgumentException("an empty member path in " + group);
        MemoryLayout current = group;
        long offset = 0;
        for (String name : path) {
            if (!(current instanceof GroupLayout g)) {
                throw new IllegalArgumentException("cannot find member " + name + " in " + current + ": not a struct or union");
            }
            long at = 0;
            MemoryLayout found = null;
            for (MemoryLayout m : g.memberLayouts()) {
                if (m.name().isPresent() && m.name().get().equals(name)) {
                    found = m;
                    break;
                }
                // a struct's members follow each other (padding is a member of its own); a union's all start at 0
                if (g instanceof StructLayout) at += m.byteSize();
            }
            if (found == null) throw new IllegalArgumentException("no member " + name + " in " + g);
            offset += at;
            current = found;
        }
        return new LayoutMember(current, offset);
    }

    /** Whether {@code group} has a member named {@code name} (at its top level). */
    public static boolean has(GroupLayout group, String name) {
        for (MemoryLayout m : group.memberLayouts()) {
            if (m.name().isPresent() && m.name().get().equals(name)) return true;
        }
        return false;
    }
}
