// 01: what the host has: its driver, its GPUs with their BAR windows, the mdev types they offer.
//   ./mdevgpu jshell samples/jshell/01-discover.jsh     (or type the lines at the jshell> prompt)

System.out.println("driver: " + host.driver().map(DriverInfo::toString).orElse("none"));

// Every GPU, in address order; the identity is a snapshot, printing does no I/O.
for (ParentDevice gpu : host.gpus()) {
    System.out.println("gpu " + gpu.address() + " " + gpu.model() + " " + gpu.id() + ", framebuffer " + gpu.framebuffer());
    for (Bar bar : gpu.bars()) System.out.println("  " + bar);
}

// A GPU by address; types() and instances() read the host anew each time.
var gpu = host.gpus().getFirst();
System.out.println("types on " + gpu.address() + ": " + gpu.types().size() + " (nothing is registered until a plan is applied)");
System.out.println("instances: " + host.instances().size());

// The physical config space, decoded: the capability chain as lspci shows it.
System.out.println(PciConfigSpace.parse(gpu.config()).capabilities());
/exit
