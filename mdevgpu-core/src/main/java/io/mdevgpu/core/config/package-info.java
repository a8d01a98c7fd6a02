/**
 * The TOML configuration: {@link io.mdevgpu.core.config.ConfigLoader} reads it strictly into an immutable
 * {@link io.mdevgpu.core.config.MdevConfig}, {@link io.mdevgpu.core.config.ConfigWriter} writes one back.
 *
 * <h2>Schema 1</h2>
 * Keys are snake_case; sizes are strings with a binary unit ({@code "9536MiB"}, {@code "2GiB"}; whole MiB);
 * integers may be written in hex ({@code 0x20B01479}), octal or binary as TOML allows. Every key of the
 * predecessor's (Mdev-GPU) YAML schema has a counterpart here with the same default.
 * <pre>{@code
 * schema = 1                 # required, the format version
 * keep = false               # keep the GPUs' existing types (predecessor -k); default false
 *
 * [[gpu]]                    # one or more GPU entries
 * [gpu.filter]               # optional (or filter = { ... }); no filter or an empty one: every GPU
 * domain = 0x0000            # every key optional; every key present must match
 * bus = 0x65                 # 0..0xFF
 * slot = 0x00                # 0..0x1F
 * function = 0               # 0..7
 * vendor = 0x10DE            # PCI ids 0..0xFFFF
 * device = 0x20B0
 * subsystem_vendor = 0x10DE
 * subsystem_device = 0x145F
 * rm_gpu_id = 0x6500         # NVIDIA RM gpu id: domain << 16 | bus << 8 | slot
 *
 * [[gpu.type]]               # 1..128 per entry; the numbers must differ
 * number = 531               # required, 1..2147483647: sysfs type nvidia-531           (predecessor: num)
 * name = "Open vAmpere/4"    # default "Arc GPU"; at most 63 UTF-8 bytes, no control chars (name)
 * class = "Compute"          # default "Compute"; same limits                         (gpuClass)
 * max_instances = 4          # required, 1..48                                        (maxInstances)
 * framebuffer = "9536MiB"    # required, the guest's framebuffer, > 0                 (fbLen)
 * reserved = "704MiB"        # required, reserved by the host per instance            (fbRes)
 * mappable_video = "24MiB"   # default "24MiB"                                        (mapVideoSize)
 * bar1 = "256MiB"            # default "256MiB", the guest's BAR1 (0x100 MiB)         (bar1Len)
 * guest_pci_id = 0x20B01470  # optional, what the guest sees, 0xDDDDSSSS; default: the GPU's own (vDevId)
 * host_pci_id = 0x20B01470   # optional, what the host is told, same packed form     (pDevId)
 * ecc = false                # default false                                          (ecc)
 * multi_vgpu = false         # default false: several vGPUs of this type in one VM    (multiMdev)
 * encoder_capacity = 100     # default 100, percent 0..100                            (encCap)
 *
 * [gpu.type.display]         # optional (or display = { ... })                        (virtDisplay)
 * heads = 1                  # default 1, 1..16                                       (numHeads)
 * max_resolution = "1024x1024" # default, WIDTHxHEIGHT, each 1..16384                 (maxResX, maxResY)
 * frame_rate_limit = 120     # default 120, 1..1000 fps                               (frlConfig)
 * frame_rate_limiter = false # default false                                          (frlEnable)
 * }</pre>
 *
 * <h2>Strictness</h2>
 * Every failure is an {@link io.mdevgpu.ConfigException} with the file, the key path
 * ({@code gpu[0].type[2].framebuffer}), the 1-based line and column (columns count characters; a tab is one)
 * and what is allowed: unknown keys (with the nearest known key, and the new name of a predecessor key), wrong
 * types, missing required keys, values out of range, type numbers that are 0 or repeat within an entry, more
 * than 128 types per entry, names and classes over 63 UTF-8 bytes or with control characters, keys or tables
 * defined twice, nesting deeper than 16 levels, keys over 128 and strings over 256 characters, TOML syntax errors,
 * a byte-order mark, invalid UTF-8, files over 1 MiB and paths that are not regular files. Value problems point at the value, unknown keys at the key, and
 * missing keys at the table that lacks them.
 *
 * <h2>Why not jackson's locations</h2>
 * jackson-dataformat-toml 3.1.7 parses the whole document into a tree first and then replays it through a
 * {@code TreeTraversingParser}, whose tokens report no location; only its syntax errors carry one (line, and a
 * column counted in UTF-16 chars). jackson therefore reads the values, and a structural scan of the same text
 * ({@code TomlLocator}) records where each key path's key and value start.
 */
package io.mdevgpu.core.config;
