/** The operator's command, {@code mdevgpu}. */
module io.mdevgpu.cli {
    requires io.mdevgpu.core;
    requires io.mdevgpu.kernel;
    requires tools.jackson.core;
    requires org.slf4j;

    // the CLI's own binding (StderrLogging says why it is not slf4j-simple); the launcher names it in slf4j.provider,
    // which slf4j instantiates by reflection instead of searching every jar for service files
    provides org.slf4j.spi.SLF4JServiceProvider with io.mdevgpu.cli.StderrLogging;
    exports io.mdevgpu.cli to org.slf4j;
}
