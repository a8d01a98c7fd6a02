package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mdevgpu.core.interop.VfDefinitionStore;
import org.junit.jupiter.api.Test;

/**
 * The units in {@code packaging/systemd}: {@code mdevgpu-apply.service} and {@code mdevgpu-vgpus.service}, oneshots
 * ordered after the driver and before whatever starts guests, no sudo.
 */
class SystemdUnitTest {
    /** Directive name to its values (a directive may repeat), by section: "Unit.After". */
    private static Map<String, List<String>> unit() throws Exception {
        return unit("mdevgpu-apply.service");
    }

    private static Map<String, List<String>> unit(String name) throws Exception {
        Map<String, List<String>> directives = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(CliRun.repo("packaging/systemd/" + name))) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("[")) {
                section = l.substring(1, l.indexOf(']'));
                continue;
            }
            int eq = l.indexOf('=');
            assertTrue(eq > 0, "a directive is KEY=VALUE: " + l);
            directives.computeIfAbsent(section + "." + l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return directives;
    }

    private static String all(Map<String, List<String>> unit, String key) {
        return String.join(" ", unit.getOrDefault(key, List.of()));
    }

    @Test
    void aOneshotThatStaysActiveAndAppliesTheConfiguration() throws Exception {
        var unit = unit();
        assertEquals("oneshot", all(unit, "Service.Type"));
        assertEquals("yes", all(unit, "Service.RemainAfterExit"));
        assertEquals("/usr/local/bin/mdevgpu apply -c /etc/mdevgpu/config.toml", all(unit, "Service.ExecStart"));
        assertEquals("multi-user.target", all(unit, "Install.WantedBy"));
    }

    @Test
    void orderedAfterTheDriverAndBeforeLibvirt() throws Exception {
        var unit = unit();
        List<String> after = List.of(all(unit, "Unit.After").split("\\s+"));
        assertTrue(after.contains("nvidia-persistenced.service") && after.contains("systemd-modules-load.service"), after.toString());
        assertTrue(all(unit, "Unit.Wants").contains("nvidia-persistenced.service"));
        assertTrue(List.of(all(unit, "Unit.Before").split("\\s+")).contains("libvirtd.service"));
        // waits for the driver's control node rather than skipping the boot's apply
        assertTrue(all(unit, "Service.ExecStartPre").contains("/dev/nvidiactl"));
        assertFalse(all(unit, "Unit.ConditionPathExists").contains("/dev/nvidiactl"), "a condition would skip, not wait");
    }

    @Test
    void noSudoAnywhere() throws Exception {
        for (String name : List.of("mdevgpu-apply.service", "mdevgpu-vgpus.service")) {
            for (var entry : unit(name).entrySet()) {
                for (String value : entry.getValue()) {
                    assertFalse(value.matches(".*\\bsudo\\b.*"), name + ": " + entry.getKey() + "=" + value);
                }
            }
        }
    }

    @Test
    void vfVgpusStartAfterTheDriverAndApplyAndBeforeEveryGuestStarter() throws Exception {
        var unit = unit("mdevgpu-vgpus.service");
        assertEquals("oneshot", all(unit, "Service.Type"));
        assertEquals("yes", all(unit, "Service.RemainAfterExit"));
        assertEquals("/usr/local/bin/mdevgpu start --all", all(unit, "Service.ExecStart"));
        assertEquals("", all(unit, "Service.ExecStop"), "stopping the unit must not take vGPUs from running guests");
        List<String> after = List.of(all(unit, "Unit.After").split("\\s+"));
        assertTrue(after.containsAll(List.of("systemd-modules-load.service", "nvidia-persistenced.service",
                "mdevgpu-apply.service")), after.toString());
        List<String> before = List.of(all(unit, "Unit.Before").split("\\s+"));
        assertTrue(before.containsAll(List.of("libvirtd.service", "virtqemud.service", "nova-compute.service",
                "openstack-nova-compute.service", "cloudstack-agent.service")), before.toString());
        assertTrue(all(unit, "Service.ExecStartPre").contains("/dev/nvidiactl"), "waits for the driver");
        assertEquals(VfDefinitionStore.DEFAULT_ROOT, all(unit, "Unit.ConditionDirectoryNotEmpty"), "where the definitions are");
        assertEquals("multi-user.target", all(unit, "Install.WantedBy"));
    }
}
