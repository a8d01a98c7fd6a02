package io.mdevgpu.kernel.abi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A struct member and its offset, read by walking the layouts' members. It answers what {@code MemoryLayout.select}
 * and {@code byteOffset} answer without the JDK's {@code LayoutPath}, whose static initialiser spins seven method
 * handles on its first use: some 9 ms of a cold process, which the AOT cache does not keep.
 *
 * @param layout the member's layout, with its name
 * @param offset its byte offset from the start of the outermost struct
 */
public record LayoutMember(MemoryLayout layout, long offset) {
    /**
     * The members of {@code group} at its top level, padding included, in order, each at its offset in {@code group}:
     * a struct's members follow each other (padding is a member of its own); a union's all start at 0.
     */
    public static List<LayoutMember> members(GroupLayout group) {
        List<LayoutMember> members = new ArrayList<>(group.memberLayouts().size());
        long at = 0;
        for (MemoryLayout m : group.memberLayouts()) {
            members.add(new LayoutMember(m, at));
            if (group instanceof StructLayout) at += m.byteSize();
        }
        return members;
    }

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
            LayoutMember found = named(g, name);
            if (found == null) throw new IllegalArgumentException("no member " + name + " in " + g);
            offset += found.offset();
            current = found.layout();
        }
        return new LayoutMember(current, offset);
    }

    /** Whether {@code group} has a member named {@code name} (at its top level). */
    public static boolean has(GroupLayout group, String name) {
        return named(group, name) != null;
    }

    private static LayoutMember named(GroupLayout group, String name) {
        for (LayoutMember m : members(group)) {
            if (m.layout().name().isPresent() && m.layout().name().get().equals(name)) return m;
        }
        return null;
    }
}
