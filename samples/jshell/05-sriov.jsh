// 05: vGPUs on SR-IOV virtual functions (NVIDIA's vendor-specific VFIO, driver R550+): the same API as mdev.
// The built-in host "sriov" has two H100 80GB on a 580 driver, their VFs disabled as after a boot.
//   ./mdevgpu jshell samples/jshell/05-sriov.jsh        (or MDEVGPU_HOST=sim:sriov ./mdevgpu jshell)

var sriov = MdevHost.simulated("sriov");
var gpu = sriov.gpus().getFirst();
System.out.println("backend before apply: " + gpu.backend());

// The plan says it will enable the VFs, and what is assumed of registered types there.
var plan = sriov.plan(config("open-vampere"));
plan.gpus().getFirst().changes().forEach(c -> System.out.println("change: " + c));
plan.notes().forEach(n -> System.out.println("note: " + n));
plan.apply();
System.out.println("backend after apply: " + gpu.backend());
System.out.println("types: " + gpu.types());

// create picks a free VF; "532" and "nvidia-532" name the same type. Vgpu is what mdev instances and VFs share.
Vgpu vgpu = gpu.create("532");
System.out.println("created " + vgpu.uuid() + " " + vgpu.typeId() + " on VF " + vgpu.virtualFunction().orElseThrow());
System.out.println(vgpu.hostdevXml());
// For QEMU without libvirt: one element per argument, ready for ProcessBuilder.
System.out.println("qemu " + String.join(" ", vgpu.qemuArgs()));

try (var dev = vgpu.open()) {
    System.out.printf("opened %s: guest sees %04x:%04x%n", dev.name(), dev.config().read(0, 2), dev.config().read(2, 2));
    try {
        vgpu.remove();
    } catch (DeviceInUseException e) {
        System.out.println("remove while open: refused");
    }
}

vgpu.remove();
System.out.println("removed; VFs free: " + ((VgpuBackend.SriovVfio) gpu.backend()).free());

// Persistent: a definition (etc/mdevgpu/vf.d/<gpu>/<uuid>.json; mdevctl manages no VFs) keeps the type's name and
// comes back at boot: startAll() is what `mdevgpu start --all` runs, and a second run changes nothing.
var defs = sriov.definitions();
var def = defs.define(Definitions.Request.newBuilder(gpu.address(), "532").autoStart(true).owner("vm-7").build());
System.out.println("defined: " + def);
defs.startAll().forEach(r -> System.out.println("start --all: " + r));
System.out.println("again: " + defs.startAll().getFirst().state());
defs.stop(def.uuid());
defs.undefine(def.uuid());

// VFs can be disabled while none holds a vGPU (and enabled again: that resets heterogeneous mode).
gpu.disableVirtualFunctions();
System.out.println("after disable: " + gpu.backend());
sriov.close();
/exit
