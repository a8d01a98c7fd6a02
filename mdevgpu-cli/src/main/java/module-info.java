/** The operator's command, {@code mdevgpu}. */
module io.mdevgpu.cli {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires info.picocli;
    requires tools.jackson.databind;

    opens io.mdevgpu.cli to info.picocli;
}
