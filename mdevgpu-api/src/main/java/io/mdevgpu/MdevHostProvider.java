package io.mdevgpu;

/** Implemented by the engine (io.mdevgpu.core) and found through {@link java.util.ServiceLoader}. */
public interface MdevHostProvider {
    MdevHost open(HostSpec spec);
}
