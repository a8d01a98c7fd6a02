package io.mdevgpu.sim;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.mdevgpu.MdevType;

/** A GPU as the simulated mdev core knows it: whether it registered, the types it published and the types shown. */
final class SimMdevParent {
    final SimulatedGpu gpu;
    final String name;
    boolean registered;
    boolean goingAway;
    Map<String, MdevType> published = new LinkedHashMap<>();
    final Set<String> shown = new HashSet<>();

    SimMdevParent(SimulatedGpu gpu) {
        this.gpu = gpu;
        this.name = gpu.device().address().toString();
    }
}
