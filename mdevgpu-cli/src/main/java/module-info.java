/** The operator's command, {@code mdevgpu}. */
module io.mdevgpu.cli {
    requires io.mdevgpu.core;
    requires info.picocli;

    opens io.mdevgpu.cli to info.picocli;
}
