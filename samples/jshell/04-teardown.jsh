// 04: persistent instances and tearing them down: define in mdevctl's format, start, stop, undefine, and
// remove what is left.
//   ./mdevgpu jshell samples/jshell/04-teardown.jsh

var gpu = host.gpus().getFirst();
host.plan(config("open-vgeneric")).apply();
var typeId = gpu.types().getFirst().id();

// Two instances: one made persistent (mdevctl's /etc/mdevctl.d/<parent>/<uuid>, started at boot), one not.
var kept = host.definitions().define(UUID.randomUUID(), gpu.address(), typeId, true);
var started = host.definitions().start(kept.uuid());
var adhoc = gpu.create(typeId);
System.out.println("defined " + kept.uuid() + " (auto), started " + started.uuid() + ", created " + adhoc.uuid());
System.out.println("instances: " + host.instances().size() + ", definitions: " + host.definitions().list().size());

// Tear down: stop and undefine the persistent one, remove every other instance.
host.definitions().stop(kept.uuid());
host.definitions().undefine(kept.uuid());
for (var i : host.instances()) i.remove();
System.out.println("instances: " + host.instances().size() + ", definitions: " + host.definitions().list().size());

// The types stay registered with the driver, as on a real host, until the driver reloads; an apply replaces them.
System.out.println("types on " + gpu.address() + ": " + gpu.types().size() + " (still registered)");
host.close();
/exit
