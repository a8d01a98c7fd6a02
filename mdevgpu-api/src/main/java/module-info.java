/**
 * The public API of mdevgpu: what users type. Depends on nothing but slf4j; the engine behind it is
 * found through {@link java.util.ServiceLoader}.
 */
module io.mdevgpu {
    requires transitive org.slf4j;

    exports io.mdevgpu;

    uses io.mdevgpu.MdevHostProvider;
}
