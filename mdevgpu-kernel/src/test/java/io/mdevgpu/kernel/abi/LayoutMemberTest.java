package io.mdevgpu.kernel.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.ValueLayout;
import java.util.List;

import io.mdevgpu.kernel.abi.nvrm.NvrmAbi;
import org.junit.jupiter.api.Test;

/** {@link LayoutMember} answers what the JDK's layout paths answer, for every member of every layout mdevgpu reads. */
class LayoutMemberTest {
    private static final GroupLayout INNER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("a"), MemoryLayout.paddingLayout(2), ValueLayout.JAVA_INT.withName("b"));
    private static final GroupLayout UNION = MemoryLayout.unionLayout(
            ValueLayout.JAVA_LONG.withName("wide"), INNER.withName("parts"));
    private static final GroupLayout OUTER = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("head"), MemoryLayout.paddingLayout(4), UNION.withName("u"),
            MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_BYTE).withName("tail"), MemoryLayout.paddingLayout(5));

    @Test
    void findsNestedMembersAtTheOffsetsTheJdkComputes() {
        for (List<String> path : List.of(List.of("head"), List.of("u"), List.of("u", "wide"), List.of("u", "parts"),
                List.of("u", "parts", "a"), List.of("u", "parts", "b"), List.of("tail"))) {
            assertSame(OUTER, path);
        }
        assertEquals(12, LayoutMember.of(OUTER, "u", "parts", "b").offset());
    }

    @Test
    void agreesWithTheJdkOnEveryMemberOfEveryRmStructOfEveryFamily() {
        int checked = 0;
        for (NvrmAbi abi : NvrmAbi.values()) {
            for (GroupLayout struct : abi.structs().values()) {
                for (MemoryLayout m : struct.memberLayouts()) {
                    if (m.name().isEmpty()) continue;
                    assertSame(struct, List.of(m.name().get()));
                    checked++;
                }
            }
        }
        assertTrue(checked > 500, "only " + checked + " members checked");
    }

    @Test
    void findsErrnoInTheCaptureStateLayout() {
        GroupLayout state = (GroupLayout) Linker.Option.captureStateLayout();
        assertSame(state, List.of("errno"));
    }

    @Test
    void aMissingMemberOrAPathThroughAScalarIsAnErrorNamingIt() {
        var missing = assertThrows(IllegalArgumentException.class, () -> LayoutMember.of(OUTER, "u", "nope"));
        assertTrue(missing.getMessage().contains("no member nope"), missing.getMessage());
        var scalar = assertThrows(IllegalArgumentException.class, () -> LayoutMember.of(OUTER, "head", "x"));
        assertTrue(scalar.getMessage().contains("cannot find member x"), scalar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayoutMember.of(OUTER));
    }

    @Test
    void membersGivesEveryTopLevelMemberPaddingIncludedAtItsOffset() {
        List<LayoutMember> members = LayoutMember.members(OUTER);
        assertEquals(OUTER.memberLayouts(), members.stream().map(LayoutMember::layout).toList());
        assertEquals(List.of(0L, 4L, 8L, 16L, 19L), members.stream().map(LayoutMember::offset).toList());
        assertEquals(List.of(0L, 0L), LayoutMember.members(UNION).stream().map(LayoutMember::offset).toList());
    }

    @Test
    void hasLooksAtTheTopLevelOnly() {
        assertTrue(LayoutMember.has(OUTER, "u"));
        assertFalse(LayoutMember.has(OUTER, "wide"));
    }

    private static void assertSame(GroupLayout group, List<String> path) {
        PathElement[] elements = path.stream().map(n -> groupElement(n)).toArray(PathElement[]::new);
        LayoutMember member = LayoutMember.of(group, path.toArray(String[]::new));
        assertEquals(group.select(elements), member.layout(), path.toString());
        assertEquals(group.byteOffset(elements), member.offset(), path.toString());
    }
}
