/**
 * The sample's tests as a module: {@code requires io.mdevgpu.sim} (which reads io.mdevgpu transitively) is all it
 * takes, with no --add-reads or --add-exports; open, so that JUnit may reach the test classes.
 */
open module com.example.embedding {
    requires io.mdevgpu.sim;
    requires org.junit.jupiter.api;
}
