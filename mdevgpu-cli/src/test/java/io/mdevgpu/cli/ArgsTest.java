package io.mdevgpu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;

import io.mdevgpu.PciAddress;
import org.junit.jupiter.api.Test;

/** The command-line reader and the usage text, on a spec of every kind of option and operand. */
class ArgsTest {
    private static final VerbSpec SPEC = VerbSpec.verb("try")
            .description("Try the reader.", "A second paragraph.")
            .optionalOperand("TYPE", "a type")
            .requiredOption("-c", "--config", "FILE", "a file")
            .option("-p", "--parent", "ADDR", "a GPU")
            .option("--owner", "TEXT", "who")
            .flag("-k", "--keep", "keep")
            .flag("-n", "--dry-run", "plan only")
            .flag("--qemu", "QEMU's form")
            .flag("--nodedev", "the node device's form")
            .exclusive("--qemu", "--nodedev")
            .build();

    private static Args parse(String... line) {
        return Args.parse(SPEC, line, 0, false).checkRequired();
    }

    private static String failure(String... line) {
        return assertThrows(UsageException.class, () -> parse(line)).getMessage();
    }

    @Test
    void valuesComeInEveryFormAnOperatorTypes() {
        for (String[] line : List.of(new String[]{"--config", "a.toml", "--parent", "65:00.0"},
                new String[]{"--config=a.toml", "--parent=65:00.0"},
                new String[]{"-c", "a.toml", "-p65:00.0"},
                new String[]{"-ca.toml", "-p=65:00.0"})) {
            Args args = parse(line);
            assertEquals("a.toml", args.value("--config"), List.of(line).toString());
            assertEquals(PciAddress.parse("0000:65:00.0"), args.value("--parent", PciAddress::parse));
            assertNull(args.value("--owner"));
            assertFalse(args.flag("--keep"));
        }
    }

    @Test
    void shortFlagsClusterAndTheLastOneMayTakeAValue() {
        Args args = parse("-knc", "a.toml", "nvidia-531");
        assertTrue(args.flag("--keep"));
        assertTrue(args.flag("--dry-run"));
        assertEquals("a.toml", args.value("--config"));
        assertEquals("nvidia-531", args.operand(0));
    }

    @Test
    void operandsMayComeAnywhereAndAfterDoubleDashMayStartWithADash() {
        assertEquals("nvidia-531", parse("nvidia-531", "-c", "f").operand(0));
        assertEquals("-odd", parse("-c", "f", "--", "-odd").operand(0));
        assertNull(parse("-c", "f").operand(0));
    }

    @Test
    void theCommonOptionsAreEveryVerbs() {
        Args args = parse("-c", "f", "--json", "--host", "sim@/tmp/h");
        assertTrue(args.flag("--json"));
        assertEquals("sim@/tmp/h", args.value("--host"));
    }

    @Test
    void badLinesAreNamedPrecisely() {
        assertEquals("Unknown option: '--colour'", failure("-c", "f", "--colour"));
        assertEquals("Unknown option: '-x'", failure("-c", "f", "-kx"));
        assertEquals("Missing required parameter for option '--parent' (ADDR)", failure("-c", "f", "--parent"));
        assertEquals("Missing required option: '--config=FILE'", failure("--keep"));
        assertEquals("Unmatched argument at index 3: 'two'", failure("-c", "f", "one", "two"));
        assertEquals("option '--parent=ADDR' should be given only once", failure("-c", "f", "-p", "1:0.0", "-p", "2:0.0"));
        assertEquals("--qemu, --nodedev are mutually exclusive (give only one)", failure("-c", "f", "--qemu", "--nodedev"));
        assertEquals("option '--keep' takes no value: '--keep=yes'", failure("-c", "f", "--keep=yes"));
    }

    private static String convertFailure(Args args) {
        return assertThrows(UsageException.class, () -> args.value("--parent", PciAddress::parse)).getMessage();
    }

    @Test
    void aValueThatDoesNotConvertIsBadInputNamingTheOption() {
        assertTrue(convertFailure(Args.parse(SPEC, new String[]{"-p", "zz"}, 0, false)).startsWith(
                "Invalid value for option '--parent=ADDR': "));
        Args typed = Args.parse(SPEC, new String[]{"-c", "f", "x"}, 0, false);
        String m = assertThrows(UsageException.class, () -> typed.operand(0, UUID::fromString)).getMessage();
        assertTrue(m.startsWith("Invalid value for TYPE: "), m);
    }

    @Test
    void askingForAnUndeclaredOptionIsAProgrammingError() {
        Args args = parse("-c", "f");
        assertThrows(IllegalArgumentException.class, () -> args.flag("--kep"));
        assertThrows(IllegalArgumentException.class, () -> args.value("-c"), "by its long name only");
        assertThrows(IllegalArgumentException.class, () -> args.operand(1));
    }

    @Test
    void readingStopsBeforeTheVerbForTheCommonOptions() {
        Args common = Args.parse(VerbSpec.verb("").build(), new String[]{"--host", "sim", "--json", "list", "-d"}, 0, true);
        assertEquals(3, common.end());
        assertEquals("sim", common.value("--host"));
    }

    @Test
    void aSpecRefusesNamesTwiceAndARequiredOperandAfterAnOptionalOne() {
        assertThrows(IllegalStateException.class, () -> VerbSpec.verb("x").flag("-k", "--keep", "a")
                .flag("-k", "--kill", "b").build());
        assertThrows(IllegalStateException.class, () -> VerbSpec.verb("x").flag("--json", "clashes").build());
        assertThrows(IllegalStateException.class, () -> VerbSpec.verb("x").optionalOperand("A", "a")
                .operand("B", "b").build());
        assertThrows(IllegalStateException.class, () -> VerbSpec.verb("x").exclusive("--none").build());
    }

    @Test
    void usageShowsTheSynopsisDescriptionOperandsAndOptionsWithin80Columns() {
        StringWriter text = new StringWriter();
        Usage.of(new PrintWriter(text, true), SPEC);
        String usage = text.toString();
        assertTrue(usage.startsWith("Usage: mdevgpu try [-hknV] [--json] [--nodedev] [--qemu] -c=FILE [--host=HOST]\n"
                + "                   [--owner=TEXT] [-p=ADDR] [TYPE]\nTry the reader.\nA second paragraph.\n"), usage);
        assertTrue(usage.contains("\n      TYPE "), usage);
        assertTrue(usage.contains("\n  -c, --config=FILE "), usage);
        assertTrue(usage.contains("\n      --owner=TEXT "), usage);
        assertTrue(usage.contains("\n  -h, --help "), usage);
        for (String line : usage.split("\n")) assertTrue(line.length() <= Usage.WIDTH, line);
        assertTrue(usage.indexOf("--config") < usage.indexOf("--help") && usage.indexOf("--help") < usage.indexOf("--keep"),
                "options in alphabetical order: " + usage);
    }

    @Test
    void everyVerbsUsageFitsIn80Columns() {
        for (Main.Entry entry : Main.VERBS.values()) {
            StringWriter text = new StringWriter();
            Usage.of(new PrintWriter(text, true), entry.spec().get());
            for (String line : text.toString().split("\n")) assertTrue(line.length() <= Usage.WIDTH, line);
        }
    }
}
