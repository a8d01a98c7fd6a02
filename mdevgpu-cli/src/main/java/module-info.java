/** The operator's command, {@code mdevgpu}. */
module io.mdevgpu.cli {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires tools.jackson.databind;
}
