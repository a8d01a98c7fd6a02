package io.mdevgpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistent mdev definitions in mdevctl's own format and layout ({@code /etc/mdevctl.d/<parent>/<uuid>}, JSON
 * with {@code mdev_type}, {@code start}, {@code attrs}), written atomically under a lock so that mdevctl,
 * libvirt and mdevgpu agree.
 */
public interface Definitions {
    List<Definition> list();

    Optional<Definition> get(UUID uuid);

    /** Writes a definition; {@code autoStart} is mdevctl's {@code "start": "auto"}. */
    Definition define(UUID uuid, PciAddress parent, String typeId, boolean autoStart);

    void undefine(UUID uuid);

    /** Creates the instance a definition describes. */
    MdevInstance start(UUID uuid);

    /** Removes the instance of a definition, keeping the definition. */
    void stop(UUID uuid);

    /** A definition as mdevctl stores it. */
    record Definition(UUID uuid, PciAddress parent, String typeId, boolean autoStart, List<Map<String, String>> attrs) {
    }
}
