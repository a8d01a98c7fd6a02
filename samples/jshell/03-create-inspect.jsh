// 03: an instance end to end, as a VMM sees it: create -> open -> read the config space -> map BAR1 ->
// write and read back -> close -> remove.
//   ./mdevgpu jshell samples/jshell/03-create-inspect.jsh

var gpu = host.gpus().getFirst();
host.plan(config("open-vgeneric")).apply();
var type = gpu.types().getFirst();
System.out.println("type " + type);

var vgpu = gpu.create(type.id());
System.out.println("created " + vgpu.uuid() + " on " + vgpu.parent() + ", IOMMU group " + vgpu.iommuGroup());

try (var dev = vgpu.open()) {
    // The config region: what the guest reads at its config address.
    System.out.printf("config: vendor 0x%04x device 0x%04x%n", dev.config().read(0, 2), dev.config().read(2, 2));
    System.out.println(lspci(dev));
    for (Region r : dev.regions()) System.out.println("region " + r.index() + " size " + Size.bytes(r.size()) + (r.mappable() ? " mmap" : ""));
    for (IrqInfo irq : dev.irqs()) System.out.println("irq " + irq);

    // BAR1, the framebuffer aperture: map it, write through the mapping, read back through the mapping and the fd.
    try (var bar1 = dev.region(1).map()) {
        MemorySegment fb = bar1.segment();
        fb.set(JAVA_INT_UNALIGNED, 0x100, 0xCAFEF00D);
        System.out.printf("bar1 mapped %s, read back 0x%08x via mmap, 0x%08x via pread%n",
                Size.bytes(fb.byteSize()), fb.get(JAVA_INT_UNALIGNED, 0x100), dev.region(1).read(0x100, 4));
    }
}
System.out.println("closed");

vgpu.remove();
System.out.println("removed; instances left: " + host.instances().size());
/exit
