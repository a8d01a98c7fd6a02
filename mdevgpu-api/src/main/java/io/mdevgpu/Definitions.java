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
    /** Every definition, by parent then UUID; a UUID defined under two parents (by hand) is listed under each. */
    List<Definition> list();

    /**
     * The definition of {@code uuid}.
     *
     * @throws HostStateException the UUID is defined under more than one parent: name it ({@link #get(UUID, PciAddress)})
     */
    Optional<Definition> get(UUID uuid);

    /** The definition of {@code uuid} under {@code parent}. */
    Optional<Definition> get(UUID uuid, PciAddress parent);

    /** Writes a definition; {@code autoStart} is mdevctl's {@code "start": "auto"}. */
    Definition define(UUID uuid, PciAddress parent, String typeId, boolean autoStart);

    /**
     * Deletes the definition of {@code uuid}.
     *
     * @throws HostStateException the UUID is defined under more than one parent: name it
     */
    void undefine(UUID uuid);

    /** Deletes the definition of {@code uuid} under {@code parent}. */
    void undefine(UUID uuid, PciAddress parent);

    /**
     * Creates the instance a definition describes.
     *
     * @throws HostStateException the UUID is defined under more than one parent: name it
     */
    MdevInstance start(UUID uuid);

    /** Creates the instance the definition of {@code uuid} under {@code parent} describes. */
    MdevInstance start(UUID uuid, PciAddress parent);

    /** Removes the instance of a definition, keeping the definition. */
    void stop(UUID uuid);

    /** A definition as mdevctl stores it. */
    record Definition(UUID uuid, PciAddress parent, String typeId, boolean autoStart, List<Map<String, String>> attrs) {
    }
}
