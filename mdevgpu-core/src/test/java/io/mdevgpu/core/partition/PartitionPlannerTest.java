package io.mdevgpu.core.partition;

import io.mdevgpu.DriverLimits;
import io.mdevgpu.MdevType;
import io.mdevgpu.MdevTypeBuilder;
import io.mdevgpu.PciId;
import io.mdevgpu.PlanException;
import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;
import io.mdevgpu.core.pci.GuestConfigSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionPlannerTest {
    private static final PartitionPlanner NEWEST = PartitionPlanner.of(DriverLimits.NEWEST);
    private static final PartitionPlanner PRE_580 = PartitionPlanner.of(DriverLimits.PRE_580);
    private static final long MIB = 1L << 20;

    /** An A100 40GB as an older bare-metal driver reports it: 40536 MiB. */
    private static final GpuModel A100_40536 = new GpuModel("a100-40536", "NVIDIA A100-SXM4-40GB", GpuCatalogue.A100_40G.pciId(),
            0x030200, 0xa1, Size.mib(40536), Size.mib(16), Size.gib(64), Size.mib(32));

    static Stream<Arguments> homogeneousSplits() {
        List<Arguments> cases = new ArrayList<>();
        for (GpuModel gpu : GpuCatalogue.all()) {
            for (int n : new int[]{1, 2, 3, 4, 8, 16}) {
                cases.add(Arguments.of(gpu, n));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} split in {1}")
    @MethodSource("homogeneousSplits")
    void everyCatalogueGpuSplitsEvenly(GpuModel gpu, int n) {
        MdevType type = ProfileGenerator.type(gpu, 100 + n, n).build();
        TypeFit fit = NEWEST.plan(gpu, List.of(type)).orThrow().types().getFirst();
        assertEquals(n, fit.capacity());
        assertEquals(CapacityLimit.ADVERTISED, fit.limitedBy());
        List<InstancePlacement> placements = fit.placements();
        assertEquals(n, placements.size());
        assertDisjointAlignedAndInside(gpu, placements);

        MdevType oneMore = type.toBuilder().maxInstances(n + 1).build();
        TypeFit tooMany = NEWEST.plan(gpu, List.of(oneMore)).types().getFirst();
        assertEquals(n, tooMany.capacity(), "the split is tight: one more instance does not fit");
        assertFalse(tooMany.fits());
    }

    /**
     * Framebuffer slots do not overlap, start on 2 MiB and stay inside the GPU; each guest's BAR1 window is what
     * its type decodes and no larger than the aperture (windows are not carved out of it, so they may add up to more).
     */
    private static void assertDisjointAlignedAndInside(GpuModel gpu, List<InstancePlacement> placements) {
        for (InstancePlacement p : placements) {
            assertEquals(0, p.framebufferOffset().bytes() % (2 * MIB), p.toString());
            assertTrue(p.framebufferEnd().compareTo(gpu.framebuffer()) <= 0, p + " inside " + gpu.framebuffer());
            assertEquals(GuestConfigSpace.bar1Size(p.type()), p.bar1Size(), p.toString());
            assertTrue(p.bar1Size().compareTo(gpu.bar1()) <= 0, p + " within the aperture " + gpu.bar1());
            for (InstancePlacement q : placements) {
                if (p != q) {
                    assertTrue(p.framebufferEnd().compareTo(q.framebufferOffset()) <= 0 || q.framebufferEnd().compareTo(p.framebufferOffset()) <= 0,
                            p + " overlaps " + q);
                }
            }
        }
    }

    @Test
    void theOpenVAmpereProfileFitsAnA100Exactly() {
        PartitionPlan plan = NEWEST.plan(GpuCatalogue.A100_40G, Profiles.AMPERE);
        assertTrue(plan.fits(), plan.toString());
        assertEquals(List.of(1, 2, 4, 8), plan.types().stream().map(TypeFit::capacity).toList());
        assertEquals(List.of(40960L, 20480L, 10240L, 5120L), plan.types().stream().map(f -> f.framebufferSlot().toMiB()).toList());
        TypeFit quarter = plan.type(531).orElseThrow();
        assertEquals(PciId.parse("10de:20b0 10de:1470"), quarter.guestPciId());
        assertEquals(List.of(0L, 10240L, 20480L, 30720L), quarter.placements().stream().map(p -> p.framebufferOffset().toMiB()).toList());
        assertEquals(List.of(Size.gib(1), Size.gib(1), Size.gib(1), Size.gib(1)), quarter.placements().stream().map(InstancePlacement::bar1Size).toList());
        assertTrue(plan.reasons().isEmpty());
        assertSame(plan, plan.orThrow());
        assertTrue(plan.type(1).isEmpty());
        String text = plan.toString();
        assertTrue(text.startsWith("PartitionPlan a100-40g (NVIDIA A100-SXM4-40GB, 40960 MiB, BAR1 64GiB), driver 128 types, 48 instances"
                + " per GPU, strings up to 63 UTF-8 bytes: fits\n"), text);
        assertTrue(text.contains("nvidia-531  \"Open vAmpere/4\"          4/4  instances,  10240 MiB + BAR1 1GiB each, guest 10de:20b0 [10de:1470]"),
                text);
    }

    @Test
    void framebufferOverflowOfASingleInstance() {
        PartitionPlan plan = NEWEST.plan(A100_40536, Profiles.AMPERE.subList(0, 1));
        TypeFit whole = plan.types().getFirst();
        assertEquals(0, whole.capacity());
        assertEquals(CapacityLimit.FRAMEBUFFER, whole.limitedBy());
        assertEquals(List.of("type nvidia-529 needs 40960 MiB (38336 MiB + 2624 MiB reserved) per instance but the GPU has 40536 MiB usable"),
                plan.reasons());
        PlanException e = assertThrows(PlanException.class, plan::orThrow);
        assertEquals(plan.reasons(), e.reasons());
        assertTrue(e.getMessage().startsWith("plan GPU a100-40536 (NVIDIA A100-SXM4-40GB): type nvidia-529 needs 40960 MiB"), e.getMessage());
    }

    @Test
    void framebufferOverflowOfTheAdvertisedInstances() {
        GpuModel small = new GpuModel("small", "Small GPU", GpuCatalogue.T4.pciId(), 0x030200, 0xa1, Size.mib(5120),
                Size.mib(16), Size.gib(64), Size.mib(32));
        TypeFit fit = NEWEST.plan(small, Profiles.TURING.subList(0, 1)).types().getFirst();
        assertEquals(5, fit.capacity());
        assertEquals(CapacityLimit.FRAMEBUFFER, fit.limitedBy());
        assertEquals(List.of("type nvidia-1 advertises 10 instances but only 5 fit in the framebuffer: 10 x 1024 MiB (896 MiB + 128 MiB "
                + "reserved) = 10240 MiB, and the GPU has 5120 MiB usable"), fit.reasons());
        assertEquals(5, fit.placements().size(), "the instances that do fit are placed");
    }

    @Test
    void oddSizesAreAlignedTo2MiB() {
        MdevType odd = MdevTypeBuilder.number(9).maxInstances(2).framebuffer(Size.mib(1023)).reserved(Size.mib(0)).bar1(Size.mib(1)).build();
        GpuModel gpu = new GpuModel("g", "G", GpuCatalogue.T4.pciId(), 0x030200, 0xa1, Size.mib(2047),
                Size.mib(16), Size.mib(256), Size.mib(32));
        TypeFit fit = NEWEST.plan(gpu, List.of(odd)).types().getFirst();
        assertEquals(Size.mib(1024), fit.framebufferSlot());
        assertEquals(1, fit.capacity());
        assertTrue(fit.reasons().getFirst().contains("2 x 1024 MiB (1023 MiB + 0 MiB reserved, aligned to 2 MiB) = 2048 MiB"),
                fit.reasons().getFirst());
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("turingGpus")
    void theTuringProfileFitsTenInstancesOnATuringGpu(GpuModel gpu) {
        // ten 256 MiB guest BAR1 windows on a 256 MiB aperture: guests' BAR1 is mapped on demand, not carved out
        PartitionPlan plan = NEWEST.plan(gpu, Profiles.TURING);
        assertTrue(plan.fits(), plan.toString());
        for (TypeFit fit : plan.types()) {
            assertEquals(10, fit.capacity(), fit.toString());
            assertEquals(CapacityLimit.ADVERTISED, fit.limitedBy());
            assertEquals(Size.mib(1024), fit.framebufferSlot(), "896 MiB + 128 MiB reserved");
            assertEquals(Size.mib(256), fit.bar1Window());
            assertEquals(PciId.parse("10de:1e30 10de:12ba"), fit.guestPciId());
            assertEquals(10, fit.placements().size());
            assertDisjointAlignedAndInside(gpu, fit.placements());
        }
        assertEquals(Size.mib(256), gpu.bar1());
        MixedPlacement mix = NEWEST.placeMixed(gpu, Map.of(Profiles.TURING.get(0), 4, Profiles.TURING.get(1), 3, Profiles.TURING.get(2), 3))
                .orThrow();
        assertEquals(Size.mib(10240), mix.framebufferUsed());
        assertDisjointAlignedAndInside(gpu, mix.placements());
    }

    static Stream<GpuModel> turingGpus() {
        return Stream.of(GpuCatalogue.T4, GpuCatalogue.RTX6000);
    }

    @Test
    void sixteenApertureSizedWindowsFitAT4AsNvidiasOwnTypesDo() {
        MdevType sixteenth = ProfileGenerator.type(GpuCatalogue.T4, 116, 16).bar1(Size.mib(256)).build();
        TypeFit fit = NEWEST.plan(GpuCatalogue.T4, List.of(sixteenth)).orThrow().types().getFirst();
        assertEquals(16, fit.capacity());
        assertEquals(Size.mib(256), fit.bar1Window());
        assertDisjointAlignedAndInside(GpuCatalogue.T4, fit.placements());
    }

    @Test
    void bar1OverflowOfTheTuringProfileWithA512MiBWindowOnAnRtx6000() {
        List<MdevType> wide = Profiles.TURING.stream().map(t -> t.toBuilder().bar1(Size.mib(512)).build()).toList();
        PartitionPlan plan = NEWEST.plan(GpuCatalogue.RTX6000, wide);
        assertFalse(plan.fits());
        for (TypeFit fit : plan.types()) {
            assertEquals(0, fit.capacity());
            assertEquals(CapacityLimit.BAR1, fit.limitedBy());
            assertEquals(PciId.parse("10de:1e30 10de:12ba"), fit.guestPciId());
            assertTrue(fit.placements().isEmpty());
        }
        assertEquals("type nvidia-2 gives its guests a 512MiB BAR1 window but the GPU's BAR1 aperture is 256MiB; "
                + "a guest's BAR1 cannot be larger than the aperture it is mapped through", plan.types().get(1).reasons().getFirst());
        assertEquals(3, plan.reasons().size());
        assertTrue(plan.toString().contains(" 0/10 instances,   1024 MiB + BAR1 512MiB each, guest 10de:1e30 [10de:12ba] (bar1)"),
                plan.toString());
    }

    @Test
    void bar1OverflowOfASingleRoundedWindow() {
        MdevType wide = Profiles.small(7, 1, 1024).toBuilder().bar1(Size.mib(300)).build();
        TypeFit fit = NEWEST.plan(GpuCatalogue.T4, List.of(wide)).types().getFirst();
        assertEquals(0, fit.capacity());
        assertEquals(CapacityLimit.BAR1, fit.limitedBy());
        assertEquals(Size.mib(512), fit.bar1Window());
        assertEquals(List.of("type nvidia-7 gives its guests a 512MiB BAR1 window (BAR1 length 300MiB rounded up to a power of two) "
                + "but the GPU's BAR1 aperture is 256MiB; a guest's BAR1 cannot be larger than the aperture it is mapped through"), fit.reasons());
        MdevType exact = wide.toBuilder().bar1(Size.mib(256)).build();
        assertTrue(NEWEST.plan(GpuCatalogue.T4, List.of(exact)).fits(), "a window as large as the aperture fits");
        TypeFit both = NEWEST.plan(GpuCatalogue.T4, List.of(wide.toBuilder().framebuffer(Size.mib(16384)).build())).types().getFirst();
        assertEquals(CapacityLimit.FRAMEBUFFER, both.limitedBy(), "when neither fits once, the framebuffer stays the limit named");
        assertEquals(2, both.reasons().size(), both.reasons().toString());
    }

    @Test
    void instanceLimitOfAnOlderDriver() {
        MdevType forty = Profiles.small(8, 40, 64);
        assertTrue(NEWEST.plan(GpuCatalogue.A100_40G, List.of(forty)).fits());
        TypeFit fit = PRE_580.plan(GpuCatalogue.A100_40G, List.of(forty)).types().getFirst();
        assertEquals(32, fit.capacity());
        assertEquals(CapacityLimit.DRIVER_INSTANCE_LIMIT, fit.limitedBy());
        assertEquals(List.of("type nvidia-8 advertises 40 instances but the driver allows at most 32 instances per GPU"), fit.reasons());
    }

    @Test
    void typeLimitOfEachDriver() {
        List<MdevType> types = new ArrayList<>();
        for (int i = 1; i <= 129; i++) {
            types.add(Profiles.small(i, 1, 16));
        }
        PartitionPlan older = PRE_580.plan(GpuCatalogue.A100_40G, types.subList(0, 65));
        assertEquals(List.of("type nvidia-65 is type 65 on this GPU but the driver registers at most 64 types per GPU"), older.reasons());
        assertEquals(CapacityLimit.REJECTED, older.type(65).orElseThrow().limitedBy());
        assertEquals(0, older.type(65).orElseThrow().capacity());
        assertTrue(older.type(64).orElseThrow().fits());
        assertTrue(NEWEST.plan(GpuCatalogue.A100_40G, types.subList(0, 128)).fits());
        assertEquals(List.of("type nvidia-129 is type 129 on this GPU but the driver registers at most 128 types per GPU"),
                NEWEST.plan(GpuCatalogue.A100_40G, types).reasons());
    }

    @Test
    void namesTooLongForAnOlderDriversBuffer() {
        MdevType longName = Profiles.small(5, 1, 16).toBuilder().name("A name of forty bytes for the 580 driver").build();
        MdevType wideClass = Profiles.small(6, 1, 16).toBuilder().gpuClass("Ü".repeat(16)).build();
        assertTrue(NEWEST.plan(GpuCatalogue.T4, List.of(longName, wideClass)).fits());
        List<String> reasons = PRE_580.plan(GpuCatalogue.T4, List.of(longName, wideClass)).reasons();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("type nvidia-5: invalid name \"A name of forty bytes for the 580 driver\": 40 bytes of UTF-8"),
                reasons.get(0));
        assertTrue(reasons.get(0).contains("buffer is 32 bytes, so at most 31 bytes"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("type nvidia-6: invalid class"), reasons.get(1));
        assertTrue(reasons.get(1).contains("32 bytes of UTF-8"), reasons.get(1));
    }

    @Test
    void aTypeNumberGivenTwiceIsRejected() {
        PartitionPlan plan = NEWEST.plan(GpuCatalogue.T4, List.of(Profiles.small(3, 1, 16), Profiles.small(3, 2, 32)));
        assertTrue(plan.types().get(0).fits());
        assertEquals(List.of("type number 3 is given more than once; each type on a GPU needs its own number"), plan.types().get(1).reasons());
    }

    @Test
    void aMixedSplitIsPlacedLargestFirst() {
        MdevType half = Profiles.AMPERE.get(1);    // 20480 MiB, BAR1 1 GiB
        MdevType quarter = Profiles.AMPERE.get(2); // 10240 MiB, BAR1 1 GiB
        MdevType eighth = Profiles.AMPERE.get(3).toBuilder().bar1(Size.mib(256)).build(); // 5120 MiB, BAR1 256 MiB
        MdevType wideBar = Profiles.small(600, 1, 2048).toBuilder().bar1(Size.gib(2)).build();
        Map<MdevType, Integer> mix = new HashMap<>();
        mix.put(eighth, 2);
        mix.put(quarter, 1);
        mix.put(half, 1);
        mix.put(wideBar, 0);
        MixedPlacement placed = NEWEST.placeMixed(GpuCatalogue.A100_40G, mix).orThrow();
        assertEquals(List.of("nvidia-530#0 framebuffer [0, 20480) MiB, BAR1 1GiB",
                "nvidia-531#0 framebuffer [20480, 30720) MiB, BAR1 1GiB",
                "nvidia-532#0 framebuffer [30720, 35840) MiB, BAR1 256MiB",
                "nvidia-532#1 framebuffer [35840, 40960) MiB, BAR1 256MiB"),
                placed.placements().stream().map(InstancePlacement::toString).toList());
        assertEquals(Size.mib(40960), placed.framebufferUsed());
        assertEquals(List.of(530, 531, 532), placed.requested().keySet().stream().map(MdevType::number).toList());
        assertDisjointAlignedAndInside(GpuCatalogue.A100_40G, placed.placements());

        Map<MdevType, Integer> withWide = new LinkedHashMap<>(mix);
        withWide.put(wideBar, 1);
        withWide.put(eighth, 1);
        withWide.put(half, 0);
        MixedPlacement withWideBar = NEWEST.placeMixed(GpuCatalogue.A100_40G, withWide).orThrow();
        assertEquals(List.of("nvidia-531#0 framebuffer [0, 10240) MiB, BAR1 1GiB",
                        "nvidia-532#0 framebuffer [10240, 15360) MiB, BAR1 256MiB",
                        "nvidia-600#0 framebuffer [15360, 17408) MiB, BAR1 2GiB"),
                withWideBar.placements().stream().map(InstancePlacement::toString).toList(),
                "framebuffer largest first, whatever the BAR1 windows");
        assertDisjointAlignedAndInside(GpuCatalogue.A100_40G, withWideBar.placements());
    }

    @Test
    void aMixedSplitThatOverflowsTheFramebuffer() {
        Map<MdevType, Integer> mix = Map.of(Profiles.AMPERE.get(0), 1, Profiles.AMPERE.get(3), 1);
        MixedPlacement placed = NEWEST.placeMixed(GpuCatalogue.A100_40G, mix);
        assertFalse(placed.fits());
        assertTrue(placed.placements().isEmpty());
        assertEquals(List.of("the mix needs 46080 MiB of framebuffer (1 x 40960 MiB for nvidia-529 + 1 x 5120 MiB for nvidia-532) "
                + "but the GPU has 40960 MiB usable"), placed.reasons());
        PlanException e = assertThrows(PlanException.class, placed::orThrow);
        assertEquals(placed.reasons(), e.reasons());
    }

    @Test
    void aMixedSplitWithAWindowLargerThanTheAperture() {
        MdevType wide = Profiles.TURING.get(1).toBuilder().bar1(Size.mib(512)).build();
        Map<MdevType, Integer> mix = Map.of(Profiles.TURING.get(0), 1, wide, 1);
        MixedPlacement placed = NEWEST.placeMixed(GpuCatalogue.T4, mix);
        assertFalse(placed.fits());
        assertTrue(placed.placements().isEmpty());
        assertEquals(List.of("type nvidia-2 gives its guests a 512MiB BAR1 window but the GPU's BAR1 aperture is 256MiB; "
                + "a guest's BAR1 cannot be larger than the aperture it is mapped through"), placed.reasons());
        assertTrue(NEWEST.placeMixed(GpuCatalogue.T4, Map.of(Profiles.TURING.get(0), 5, Profiles.TURING.get(1), 5)).fits(),
                "ten 256 MiB windows of two types on a 256 MiB aperture");
    }

    @Test
    void aMixedSplitOverTheInstanceLimits() {
        MdevType a = Profiles.small(1, 20, 16);
        MdevType b = Profiles.small(2, 20, 16);
        assertTrue(NEWEST.placeMixed(GpuCatalogue.A100_40G, Map.of(a, 20, b, 20)).fits());
        assertEquals(List.of("40 instances requested but the driver allows at most 32 per GPU"),
                PRE_580.placeMixed(GpuCatalogue.A100_40G, Map.of(a, 20, b, 20)).reasons());
        assertEquals(List.of("21 instances of nvidia-1 requested but the type advertises at most 20"),
                NEWEST.placeMixed(GpuCatalogue.A100_40G, Map.of(a, 21)).reasons());
    }

    @Test
    void anEmptyMixFits() {
        MixedPlacement placed = NEWEST.placeMixed(GpuCatalogue.T4, Map.of(Profiles.small(1, 1, 16), 0));
        assertTrue(placed.fits());
        assertTrue(placed.placements().isEmpty());
        assertTrue(placed.requested().isEmpty());
        assertEquals(Size.ZERO, placed.framebufferUsed());
    }

    @Test
    void aNegativeCountIsBadInput() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> NEWEST.placeMixed(GpuCatalogue.T4, Map.of(Profiles.small(1, 1, 16), -1)));
        assertTrue(e.getMessage().contains("instances of nvidia-1"), e.getMessage());
    }

    @Test
    void mixedPlacementsPrintTheirSums() {
        MixedPlacement placed = NEWEST.placeMixed(GpuCatalogue.A100_40G, Map.of(Profiles.AMPERE.get(2), 2));
        assertEquals("MixedPlacement a100-40g: 2 x nvidia-531, framebuffer 20480 of 40960 MiB: fits\n"
                + "  nvidia-531#0 framebuffer [0, 10240) MiB, BAR1 1GiB\n"
                + "  nvidia-531#1 framebuffer [10240, 20480) MiB, BAR1 1GiB", placed.toString());
    }

    @Test
    void framebufferSlotIsPublicForTheEngine() {
        assertEquals(Size.mib(10240), PartitionPlanner.framebufferSlot(Profiles.AMPERE.get(2)));
        assertSame(DriverLimits.PRE_580, PRE_580.limits());
    }
}
