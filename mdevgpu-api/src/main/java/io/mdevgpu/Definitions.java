package io.mdevgpu;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The host's persistent vGPUs, of both backends ({@link VgpuBackend}), through one interface:
 * <ul>
 *   <li>on an <em>mdev</em> GPU, a definition is mdevctl's own file ({@code /etc/mdevctl.d/<parent>/<uuid>}, JSON with
 *   {@code mdev_type}, {@code start}, {@code attrs}), so that mdevctl, libvirt and mdevgpu agree;</li>
 *   <li>on an <em>SR-IOV</em> GPU (NVIDIA's vendor-specific VFIO: a vGPU is a virtual function given a type), where
 *   mdevctl manages nothing and neither the VFs nor their types survive a reboot, it is mdevgpu's file
 *   {@code /etc/mdevgpu/vf.d/<gpu>/<uuid>.json} (docs/vf-definitions.md), with the type's name, an optional pinned VF
 *   and an optional owner ({@link Sriov}).</li>
 * </ul>
 * {@link #define(Request)} picks the kind from the GPU's backend. Both stores are written atomically under their
 * locks; a UUID is defined once across both. {@link #startAll()} is what boot runs ({@code mdevgpu start --all}).
 *
 * <p>Thread-safe, and safe between processes.
 */
public interface Definitions {
    /**
     * Every definition of both kinds, by parent then UUID; a UUID defined under two parents (by hand) is listed under
     * each.
     *
     * @return the definitions, immutable
     */
    List<Definition> list();

    /**
     * The definition of {@code uuid}, of either kind.
     *
     * @param uuid the vGPU's UUID
     * @return its definition, or empty when there is none
     * @throws HostStateException the UUID is defined under more than one parent: name it ({@link #get(UUID, PciAddress)})
     */
    Optional<Definition> get(UUID uuid);

    /**
     * The definition of {@code uuid} under {@code parent}.
     *
     * @param uuid   the vGPU's UUID
     * @param parent the GPU it is defined on
     * @return its definition, or empty when there is none under that parent
     */
    Optional<Definition> get(UUID uuid, PciAddress parent);

    /**
     * Writes a definition without a pinned VF or an owner: mdevctl's file on an mdev GPU ({@code autoStart} is its
     * {@code "start": "auto"}), mdevgpu's VF definition on an SR-IOV GPU. The same as
     * {@code define(Request.newBuilder(parent, typeId).uuid(uuid).autoStart(autoStart).build())}.
     *
     * @param uuid      the vGPU's UUID
     * @param parent    the GPU
     * @param typeId    the type: {@code nvidia-532}, or on an SR-IOV GPU {@code 532} too
     * @param autoStart whether boot starts it
     * @return what was written
     * @see #define(Request)
     */
    default Definition define(UUID uuid, PciAddress parent, String typeId, boolean autoStart) {
        return define(Request.newBuilder(parent, typeId).uuid(uuid).autoStart(autoStart).build());
    }

    /**
     * Writes the definition {@code request} describes, of the kind the parent GPU's backend takes. On an SR-IOV GPU
     * the type's name is read from the driver (what the GPU's VFs offer, else its type table) and kept, so that a
     * later start can tell whether the id still names the same type.
     *
     * @param request what to define
     * @return what was written
     * @throws AlreadyExistsException the UUID is defined already, in either store (the message says where)
     * @throws DeviceBusyException    the pinned VF is pinned by another definition
     * @throws ValidationException    the GPU has no such type (the message lists its types), the pinned VF is no VF of
     *                                the GPU, or the request has a VF or an owner for an mdev GPU (mdevctl's format
     *                                keeps neither)
     */
    Definition define(Request request);

    /**
     * Deletes the definition of {@code uuid}, of either kind; a vGPU started from it keeps running.
     *
     * @param uuid the vGPU's UUID
     * @throws NoSuchDeviceException there is none
     * @throws HostStateException    the UUID is defined under more than one parent: name it
     */
    void undefine(UUID uuid);

    /**
     * Deletes the definition of {@code uuid} under {@code parent}.
     *
     * @param uuid   the vGPU's UUID
     * @param parent the GPU it is defined on
     * @throws NoSuchDeviceException there is none under that parent
     */
    void undefine(UUID uuid, PciAddress parent);

    /**
     * Creates the vGPU a definition describes: an mdev instance, or the type written to the definition's pinned VF
     * (else the first free VF that can take it) after checking that the type id still has the definition's name.
     *
     * @param uuid the vGPU's UUID
     * @return the vGPU
     * @throws HostStateException the UUID is defined under more than one parent (name it), or on an SR-IOV GPU the
     *                            type id now names another type (both names given)
     * @throws DeviceBusyException the pinned VF holds another vGPU
     */
    MdevInstance start(UUID uuid);

    /**
     * Creates the vGPU the definition of {@code uuid} under {@code parent} describes, as {@link #start(UUID)}.
     *
     * @param uuid   the vGPU's UUID
     * @param parent the GPU it is defined on
     * @return the vGPU
     */
    MdevInstance start(UUID uuid, PciAddress parent);

    /**
     * Removes the vGPU of a definition, keeping the definition; nothing when none is active.
     *
     * @param uuid the vGPU's UUID
     */
    void stop(UUID uuid);

    /**
     * What boot does ({@code mdevgpu start --all}): for every SR-IOV GPU with an {@code auto} definition and no VFs
     * enabled, enables all its VFs; sets the driver's heterogeneous mode where its {@code auto} definitions need more
     * than one type and the driver offers the mode (no VF holding a vGPU yet); then starts every {@code auto}
     * definition of both kinds that is not active, going on past a failure. Every change is logged at INFO. Run
     * again, it changes nothing.
     *
     * @return one result per {@code auto} definition, in {@link #list()}'s order
     */
    List<StartResult> startAll();

    /**
     * A persistent vGPU.
     *
     * @param uuid      the vGPU's UUID (for a VF's vGPU, the one QEMU gets as {@code -uuid})
     * @param parent    the GPU
     * @param typeId    the type, {@code nvidia-532}
     * @param autoStart whether boot starts it ({@code "start": "auto"})
     * @param attrs     mdevctl's attributes; none for a VF's vGPU
     * @param sriov     what a definition on an SR-IOV GPU adds; empty for an mdev definition
     */
    record Definition(UUID uuid, PciAddress parent, String typeId, boolean autoStart, List<Map<String, String>> attrs,
                      Optional<Sriov> sriov) {
        /** Checks {@code sriov} is there; the stores check the rest when writing (a missing part is a ValidationException). */
        public Definition {
            Objects.requireNonNull(sriov, "sriov");
        }

        /**
         * An mdev definition, as mdevctl stores it.
         *
         * @param uuid      the instance's UUID
         * @param parent    the GPU
         * @param typeId    the mdev type
         * @param autoStart whether boot starts it
         * @param attrs     mdevctl's attributes
         */
        public Definition(UUID uuid, PciAddress parent, String typeId, boolean autoStart, List<Map<String, String>> attrs) {
            this(uuid, parent, typeId, autoStart, attrs, Optional.empty());
        }

        /**
         * The backend it is for, as {@link VgpuBackend#kind()} names it.
         *
         * @return {@code mdev} or {@code sriov}
         */
        public String kind() {
            return sriov.isPresent() ? "sriov" : "mdev";
        }

        /**
         * {@code 0b5f0e7c-... 0000:65:00.0 nvidia-532 auto}, a VF definition with its type's name, VF and owner:
         * {@code ... 0000:17:00.0 nvidia-532 "NVIDIA H100-1-10C" vf=0000:17:00.5 owner=vm-7 manual}.
         */
        @Override
        public String toString() {
            return uuid + " " + parent + " " + typeId + sriov.map(s -> " " + s).orElse("")
                    + (autoStart ? " auto" : " manual") + (attrs == null || attrs.isEmpty() ? "" : " attrs=" + attrs);
        }
    }

    /**
     * What a definition on an SR-IOV GPU keeps beside mdev's.
     *
     * @param virtualFunction the VF it is pinned to, or empty for the first free VF that can take it
     * @param typeName        the type's name when it was defined ({@code NVIDIA H100-1-10C}): type ids differ between
     *                        GPU models and driver releases, so a start checks the id still names this type
     * @param owner           who uses the vGPU (a libvirt domain, a Nova or CloudStack instance), or empty
     */
    record Sriov(Optional<PciAddress> virtualFunction, String typeName, Optional<String> owner) {
        /** Checks the parts are there. */
        public Sriov {
            Objects.requireNonNull(virtualFunction, "virtualFunction");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(owner, "owner");
        }

        /** {@code "NVIDIA H100-1-10C" vf=0000:17:00.5 owner=vm-7}, without the parts it has not. */
        @Override
        public String toString() {
            return "\"" + typeName + "\"" + virtualFunction.map(v -> " vf=" + v).orElse("") + owner.map(o -> " owner=" + o).orElse("");
        }
    }

    /**
     * What to define: made with {@link #newBuilder(PciAddress, String)}, immutable.
     *
     * @param uuid            the vGPU's UUID
     * @param parent          the GPU
     * @param typeId          the type as given ({@code nvidia-532}; {@code 532} on an SR-IOV GPU)
     * @param autoStart       whether boot starts it
     * @param virtualFunction the VF to pin the vGPU to (SR-IOV GPUs only), or empty for any free VF
     * @param owner           who uses the vGPU (SR-IOV GPUs only), or empty
     */
    record Request(UUID uuid, PciAddress parent, String typeId, boolean autoStart, Optional<PciAddress> virtualFunction,
                   Optional<String> owner) {
        /** Checks the parts are there. */
        public Request {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(typeId, "typeId");
            Objects.requireNonNull(virtualFunction, "virtualFunction");
            Objects.requireNonNull(owner, "owner");
        }

        /**
         * A request for a vGPU of {@code typeId} on {@code parent}; by default with a random UUID, started by hand
         * only, on any free VF, without owner.
         *
         * @param parent the GPU
         * @param typeId the type: {@code nvidia-532}, or on an SR-IOV GPU {@code 532} too
         * @return a builder
         */
        public static Builder newBuilder(PciAddress parent, String typeId) {
            return new Builder(parent, typeId);
        }

        /** {@code define nvidia-532 on 0000:17:00.0 uuid=... auto vf=0000:17:00.5 owner=vm-7}. */
        @Override
        public String toString() {
            return "define " + typeId + " on " + parent + " uuid=" + uuid + (autoStart ? " auto" : " manual")
                    + virtualFunction.map(v -> " vf=" + v).orElse("") + owner.map(o -> " owner=" + o).orElse("");
        }

        /** Builds a {@link Request}; not thread-safe. */
        public static final class Builder {
            private final PciAddress parent;
            private final String typeId;
            private UUID uuid;
            private boolean autoStart;
            private PciAddress virtualFunction;
            private String owner;

            private Builder(PciAddress parent, String typeId) {
                this.parent = Objects.requireNonNull(parent, "parent");
                this.typeId = Objects.requireNonNull(typeId, "typeId");
            }

            /**
             * The vGPU's UUID; null (the default) for a random one, chosen by {@link #build()}.
             *
             * @param uuid the UUID
             * @return this builder
             */
            public Builder uuid(UUID uuid) {
                this.uuid = uuid;
                return this;
            }

            /**
             * Whether boot starts it; false (the default): only {@code start UUID} does.
             *
             * @param autoStart true for {@code "start": "auto"}
             * @return this builder
             */
            public Builder autoStart(boolean autoStart) {
                this.autoStart = autoStart;
                return this;
            }

            /**
             * Pins the vGPU to this VF of the GPU (SR-IOV GPUs only): a VM's {@code <hostdev>} names the VF, so it
             * must come back on the same one. Null (the default): the first free VF that can take the type.
             *
             * @param virtualFunction the VF's address
             * @return this builder
             */
            public Builder virtualFunction(PciAddress virtualFunction) {
                this.virtualFunction = virtualFunction;
                return this;
            }

            /**
             * Records who uses the vGPU (SR-IOV GPUs only): one line of at most 256 characters. Null (the default): no
             * owner.
             *
             * @param owner a libvirt domain, a Nova or CloudStack instance
             * @return this builder
             */
            public Builder owner(String owner) {
                this.owner = owner;
                return this;
            }

            /**
             * The request; a random UUID when none was set.
             *
             * @return the request
             * @throws ValidationException the VF is the GPU itself
             */
            public Request build() {
                if (parent.equals(virtualFunction)) {
                    throw new ValidationException("virtual function", virtualFunction.toString(),
                            "a virtual function of " + parent + ", not the GPU itself");
                }
                return new Request(uuid != null ? uuid : UUID.randomUUID(), parent, typeId, autoStart,
                        Optional.ofNullable(virtualFunction), Optional.ofNullable(owner));
            }
        }
    }

    /**
     * What {@link #startAll()} did with one {@code auto} definition.
     *
     * @param uuid            the vGPU's UUID
     * @param kind            {@code mdev} or {@code sriov}, as {@link Definition#kind()}
     * @param parent          the GPU
     * @param virtualFunction the VF that holds it (started or active), else the pinned VF; empty for mdev
     * @param state           started, active already, or failed
     * @param error           why it failed; empty unless {@link State#FAILED}
     */
    record StartResult(UUID uuid, String kind, PciAddress parent, Optional<PciAddress> virtualFunction, State state,
                       Optional<MdevException> error) {
        /** Checks the parts are there, and that a failure has its error. */
        public StartResult {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(virtualFunction, "virtualFunction");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(error, "error");
            if (error.isPresent() != (state == State.FAILED)) {
                throw new IllegalArgumentException("an error exactly when the state is FAILED: " + state + ", " + error);
            }
        }

        /** What happened. */
        public enum State {
            /** It was not active and was started now. */
            STARTED,
            /** It was active already: nothing was done. */
            ACTIVE,
            /** It could not be started: {@link StartResult#error()} says why. */
            FAILED
        }

        /** {@code 83b8... sriov 0000:17:00.0 vf=0000:17:00.4 started}, a failure with its message. */
        @Override
        public String toString() {
            return uuid + " " + kind + " " + parent + virtualFunction.map(v -> " vf=" + v).orElse("") + " "
                    + state.name().toLowerCase(java.util.Locale.ROOT) + error.map(e -> ": " + e.getMessage()).orElse("");
        }
    }
}
