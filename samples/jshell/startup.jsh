// The startup of ./mdevgpu jshell: the API's imports, a host, and a few helpers (io.mdevgpu.cli.Shell).
// The host is the default simulated one (two A100 40GB and a T4 on a 550 driver) unless MDEVGPU_HOST names another,
// as --host does: MDEVGPU_HOST=real ./mdevgpu jshell, or sim:h100-580, sim:path/to/inventory.toml.
import io.mdevgpu.*;
import io.mdevgpu.core.pci.PciConfigSpace;
import java.lang.foreign.*;
import java.nio.file.*;
import java.util.*;
import static java.lang.foreign.ValueLayout.*;
import static io.mdevgpu.cli.Shell.*;

MdevHost host = openHost();
System.out.println("mdevgpu: host = " + host.spec() + "; try show(host.gpus()), host.plan(config(\"open-vgeneric\")), lspci(dev)");
