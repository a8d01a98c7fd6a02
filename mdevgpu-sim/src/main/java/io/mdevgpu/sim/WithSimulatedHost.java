package io.mdevgpu.sim;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hands each test a fresh simulated host: a test method (or any method of an annotated class) declares a parameter
 * of type {@link io.mdevgpu.MdevHost}, {@link SimulatedHost} or {@link Faults}, and gets the host of the inventory
 * {@link #value()}, kept in a temporary directory of its own. After the test the extension checks that nothing was
 * left open ({@link SimLeaks}), closes the host and deletes the directory; a leak fails the test.
 * <pre>
 * &#64;WithSimulatedHost("a100x2")
 * class MyTest {
 *     &#64;Test
 *     void appliesAType(MdevHost host, Faults faults) { ... }
 * }
 * </pre>
 * On a method it overrides the class's.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SimulatedHostExtension.class)
public @interface WithSimulatedHost {
    /** The inventory: a built-in name ({@code default}, {@code a100x2}, {@code h100-580}...) or a TOML file's path. */
    String value() default "default";

    /** How many of the last calls are recorded ({@link Faults#recording(int)}; 0: none). */
    int recording() default Faults.DEFAULT_RECORDING;

    /** Whether a test that leaves fds, mappings or RM handles open fails; on by default. */
    boolean checkLeaks() default true;
}
