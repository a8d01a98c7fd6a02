// 02: plan, then apply. A plan is pure (fit, instance counts, the guest's PCI identity, what would change);
// only apply() changes the host, undoing its completed steps if a later one fails.
//   ./mdevgpu jshell samples/jshell/02-plan-apply.jsh

// A type built in code: a quarter of an A100 40GB.
// (In a script a line that ends a statement ends the snippet: break chained calls after a dot.)
var quarter = MdevTypeBuilder.number(531).name("Open vAmpere/4").
        framebuffer(Size.mib(9536)).reserved(Size.mib(704)).maxInstances(4).
        display(Display.heads(4).maxResolution(1920, 1080)).build();
var gpu = host.gpus().getFirst();
var plan = gpu.plan(quarter);
System.out.println("plan fits: " + plan.fits());
for (var t : plan.gpus().getFirst().types()) System.out.println("plan " + t.type().sysfsName() + ": " + t.instancesThatFit() + " instance(s), guest " + t.guestId());

var result = plan.apply();
System.out.println("applied: " + result);
for (var t : gpu.types()) System.out.println("type " + t);

// A whole configuration file, as `mdevgpu apply -c FILE` does: the predecessor's generic profile on every GPU.
var profile = host.plan(config("open-vgeneric"));
System.out.println("profile fits: " + profile.fits() + " on " + profile.gpus().size() + " GPU(s)");
var applied = profile.apply();
System.out.println("applied: " + applied);
for (var g : host.gpus()) System.out.println(g.address() + " offers " + g.types().stream().map(SupportedType::id).toList());
/exit
