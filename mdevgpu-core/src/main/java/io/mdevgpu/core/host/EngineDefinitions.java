package io.mdevgpu.core.host;

import io.mdevgpu.Definitions;
import io.mdevgpu.Errno;
import io.mdevgpu.KernelException;
import io.mdevgpu.MdevInstance;
import io.mdevgpu.PciAddress;
import io.mdevgpu.core.interop.MdevctlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The host's persistent definitions: mdevctl's files ({@link MdevctlStore}) for define, undefine and list, the mdev
 * bus for start and stop, as {@code mdevctl start} and {@code stop} do.
 */
public final class EngineDefinitions implements Definitions {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDefinitions.class);

    private final EngineHost host;
    private final MdevctlStore store;

    EngineDefinitions(EngineHost host, MdevctlStore store) {
        this.host = host;
        this.store = store;
    }

    /** The files beneath. */
    public MdevctlStore store() {
        return store;
    }

    @Override
    public List<Definition> list() {
        return store.list();
    }

    @Override
    public Optional<Definition> get(UUID uuid) {
        return store.get(uuid);
    }

    @Override
    public Optional<Definition> get(UUID uuid, PciAddress parent) {
        return store.get(uuid, parent);
    }

    @Override
    public Definition define(UUID uuid, PciAddress parent, String typeId, boolean autoStart) {
        return store.put(new Definition(uuid, parent, typeId, autoStart, List.of()), false);
    }

    @Override
    public void undefine(UUID uuid) {
        store.remove(uuid);
    }

    @Override
    public void undefine(UUID uuid, PciAddress parent) {
        store.remove(uuid, parent);
    }

    @Override
    public MdevInstance start(UUID uuid) {
        return start(uuid, get(uuid), store.root());
    }

    @Override
    public MdevInstance start(UUID uuid, PciAddress parent) {
        return start(uuid, get(uuid, parent), store.root().resolve(parent.toString()));
    }

    private MdevInstance start(UUID uuid, Optional<Definition> found, Path where) {
        Definition d = found.orElseThrow(() -> KernelException.of("start mdev", uuid.toString(), Errno.ENOENT,
                "no definition of this UUID under " + where + "; define it first"));
        if (!d.attrs().isEmpty()) {
            LOG.warn("mdev {} defines attributes {}; mdevgpu does not write mdev attributes (NVIDIA's types have none)",
                    uuid, d.attrs());
        }
        return host.gpu(d.parent().toString()).create(d.typeId(), uuid);
    }

    @Override
    public void stop(UUID uuid) {
        host.instance(uuid).ifPresent(MdevInstance::remove);
    }

    @Override
    public String toString() {
        return "definitions in " + store.root();
    }
}
