package io.mdevgpu.kernel.abi;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.mdevgpu.kernel.testing.Required;

/**
 * Asks the C compiler for the truth about a system header: compiles, at test time, a program that prints
 * every struct's {@code sizeof} and {@code _Alignof}, every field's {@code offsetof} and {@code sizeof}, and
 * every macro's value, for exactly the structs, fields and macros the Java side declares (the C source is
 * generated from the Java layouts and constant fields, so nothing the Java side has can be left unchecked),
 * then compares.
 *
 * <p>A Java field name the header lacks fails the compilation, which fails the comparison too.
 */
public final class CHeaderProbe {
    /** What gcc printed, keyed {@code struct S}, {@code field S a.b}, {@code flex S a}, {@code const NAME}. */
    public record Facts(Map<String, String> values, String headerVersion) {
        public String get(String key) {
            return values.get(key);
        }
    }

    private final List<String> headers;
    private final List<StructLayout> structs = new ArrayList<>();
    private final Map<String, Object> constants = new LinkedHashMap<>();

    public CHeaderProbe(String... headers) {
        this.headers = List.of(headers);
    }

    /** gcc on the PATH, if any. */
    public static Optional<Path> gcc() {
        return Required.onPath("gcc");
    }

    public CHeaderProbe structs(List<StructLayout> layouts) {
        structs.addAll(layouts);
        return this;
    }

    /** Every public static final int, long or String field of {@code holder}, named as its C macro. */
    public CHeaderProbe constantsOf(Class<?> holder) {
        constants.putAll(constantFields(holder));
        return this;
    }

    public CHeaderProbe constant(String name, Object javaValue) {
        constants.put(name, javaValue);
        return this;
    }

    public static Map<String, Object> constantFields(Class<?> holder) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : holder.getDeclaredFields()) {
            int m = f.getModifiers();
            Class<?> t = f.getType();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)
                    && (t == int.class || t == long.class || t == String.class)) {
                try {
                    out.put(f.getName(), f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** The C program for everything declared so far. */
    public String source() {
        StringBuilder c = new StringBuilder();
        c.append("#include <stdio.h>\n#include <stddef.h>\n#include <linux/version.h>\n");
        for (String h : headers) c.append("#include <").append(h).append(">\n");
        c.append("""
                #define FIELD(S, F) printf("field %s %s %zu %zu\\n", #S, #F, offsetof(struct S, F), sizeof(((struct S *)0)->F))
                #define FLEX(S, F) printf("flex %s %s %zu %zu\\n", #S, #F, offsetof(struct S, F), sizeof(((struct S *)0)->F[0]))
                #define STRUCT(S) printf("struct %s %zu %zu\\n", #S, sizeof(struct S), _Alignof(struct S))
                #define CONST(N) printf("const %s %lld\\n", #N, (long long)(N))
                #define STR(N) printf("const %s %s\\n", #N, N)
                int main(void) {
                  printf("version %d.%d\\n", LINUX_VERSION_CODE >> 16, (LINUX_VERSION_CODE >> 8) & 0xff);
                """);
        Set<String> lines = new LinkedHashSet<>();
        for (StructLayout s : structs) {
            String name = structName(s);
            lines.add("STRUCT(" + name + ");");
            members(s, "", (path, layout) -> lines.add(
                    (isFlexible(layout) ? "FLEX(" : "FIELD(") + name + ", " + path + ");"));
        }
        constants.forEach((name, value) -> lines.add((value instanceof String ? "STR(" : "CONST(") + name + ");"));
        lines.forEach(l -> c.append("  ").append(l).append('\n'));
        c.append("  return 0;\n}\n");
        return c.toString();
    }

    /** Compiles and runs the program in {@code dir}; a compile error is an {@link AssertionError} with gcc's words. */
    public Facts run(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("abi-probe.c");
        Path exe = dir.resolve("abi-probe");
        Files.writeString(src, source());
        String gcc = gcc().orElseThrow(() -> new AssertionError("gcc not found")).toString();
        String compiled = exec(List.of(gcc, "-std=gnu11", "-Wall", "-Werror", "-o", exe.toString(), src.toString()));
        if (!Files.isExecutable(exe)) {
            throw new AssertionError("gcc rejected the probe (a Java name the header lacks?):\n" + compiled);
        }
        Map<String, String> values = new LinkedHashMap<>();
        String version = "?";
        for (String line : exec(List.of(exe.toString())).split("\n")) {
            String[] w = line.split(" ", 3);
            switch (w[0]) {
                case "version" -> version = w[1];
                case "struct", "const" -> values.put(w[0] + " " + w[1], w[2]);
                case "field", "flex" -> {
                    String[] rest = w[2].split(" ", 2);
                    values.put(w[0] + " " + w[1] + " " + rest[0], rest[1]);
                }
                default -> throw new AssertionError("unexpected probe output: " + line);
            }
        }
        return new Facts(values, version);
    }

    /** Every difference between the Java side and the compiler's facts; empty when they agree. */
    public List<String> mismatches(Facts facts) {
        List<String> out = new ArrayList<>();
        for (StructLayout s : structs) {
            out.addAll(mismatches(s, facts));
        }
        constants.forEach((name, value) -> {
            String c = facts.get("const " + name);
            if (c == null) {
                out.add(name + ": not printed by the probe");
            } else if (!constantMatches(value, c)) {
                out.add(name + ": Java " + render(value) + ", C " + c);
            }
        });
        return out;
    }

    public static List<String> mismatches(StructLayout s, Facts facts) {
        List<String> out = new ArrayList<>();
        String name = structName(s);
        String c = facts.get("struct " + name);
        String java = s.byteSize() + " " + s.byteAlignment();
        if (!java.equals(c)) {
            out.add("struct " + name + " (size align): Java " + java + ", C " + c + " (header " + facts.headerVersion() + ")");
        }
        members(s, "", (path, layout) -> {
            String kind = isFlexible(layout) ? "flex" : "field";
            long size = isFlexible(layout) ? ((SequenceLayout) layout).elementLayout().byteSize() : layout.byteSize();
            String j = offset(s, path) + " " + size;
            String cf = facts.get(kind + " " + name + " " + path);
            if (!j.equals(cf)) {
                out.add(name + "." + path + " (offset size): Java " + j + ", C " + cf + " (header " + facts.headerVersion() + ")");
            }
        });
        return out;
    }

    private static boolean constantMatches(Object java, String c) {
        if (java instanceof String s) return s.equals(c);
        long cv = Long.parseLong(c);
        if (java instanceof Integer i) return cv == i || cv == Integer.toUnsignedLong(i); // C's int or unsigned int
        return cv == (Long) java;
    }

    private static String render(Object v) {
        return v instanceof Integer i ? i + " (0x" + Integer.toHexString(i) + ")" : String.valueOf(v);
    }

    private static String structName(StructLayout s) {
        return s.name().orElseThrow(() -> new AssertionError("a struct layout without its C name: " + s));
    }

    private static boolean isFlexible(MemoryLayout l) {
        return l instanceof SequenceLayout seq && seq.elementCount() == 0;
    }

    private interface MemberVisitor {
        void visit(String path, MemoryLayout layout);
    }

    /** Visits every named member, and the members of embedded structs as {@code outer.inner}. */
    private static void members(GroupLayout g, String prefix, MemberVisitor v) {
        for (MemoryLayout m : g.memberLayouts()) {
            if (m instanceof PaddingLayout) continue;
            String name = m.name().orElseThrow(() -> new AssertionError("unnamed member in " + g));
            String path = prefix + name;
            v.visit(path, m);
            if (m instanceof GroupLayout inner) members(inner, path + ".", v);
        }
    }

    private static long offset(StructLayout s, String dotted) {
        String[] parts = dotted.split("\\.");
        PathElement[] elements = new PathElement[parts.length];
        for (int i = 0; i < parts.length; i++) elements[i] = PathElement.groupElement(parts[i]);
        return s.byteOffset(elements);
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return out;
    }
}
