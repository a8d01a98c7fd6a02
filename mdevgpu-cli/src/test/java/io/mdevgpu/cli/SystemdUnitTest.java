package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code packaging/systemd/mdevgpu-apply.service}: ordered after the driver, before libvirt, a oneshot, no sudo. */
class SystemdUnitTest {
    /** Directive name to its values (a directive may repeat), by section: "Unit.After". */
    private static Map<String, List<String>> unit() throws Exception {
        Map<String, List<String>> directives = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(CliRun.repo("packaging/systemd/mdevgpu-apply.service"))) {
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
        for (var entry : unit().entrySet()) {
            for (String value : entry.getValue()) {
                assertFalse(value.matches(".*\\bsudo\\b.*"), entry.getKey() + "=" + value);
            }
        }
    }
}
