package io.mdevgpu.kernel.mdev;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;

import io.mdevgpu.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class NvidiaTypeDescriptionTest {
    static final String A100_4C = "num_heads=1, frl_config=60, framebuffer=4096M, max_resolution=4096x2160, max_instance=10";

    @Test
    void readsTheDriversDescription() {
        NvidiaTypeDescription d = NvidiaTypeDescription.parse(A100_4C).orElseThrow();
        assertEquals(new NvidiaTypeDescription(1, 60, Size.gib(4), 4096, 2160, 10), d);
        assertEquals(A100_4C, d.toString(), "prints the driver's own form");
    }

    @Test
    void toleratesOrderSpacingAndKeysItDoesNotKnow() {
        String shuffled = " max_instance=10,framebuffer=4096M , num_heads=1, frl_config=60, max_resolution=4096x2160, gpu_instance=7\n";
        assertEquals(NvidiaTypeDescription.parse(A100_4C), NvidiaTypeDescription.parse(shuffled));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "virtual display, 4 MB video memory",                                              // mbochs
            "",
            "num_heads=1, frl_config=60, framebuffer=4096M, max_resolution=4096x2160",        // a key missing
            "num_heads=one, frl_config=60, framebuffer=4096M, max_resolution=4096x2160, max_instance=10",
            "num_heads=1, frl_config=60, framebuffer=4G, max_resolution=4096x2160, max_instance=10",
            "num_heads=1, frl_config=60, framebuffer=4096M, max_resolution=4096, max_instance=10",
            "num_heads=-1, frl_config=60, framebuffer=4096M, max_resolution=4096x2160, max_instance=10"})
    void otherTextIsNotNvidias(String text) {
        assertEquals(Optional.empty(), NvidiaTypeDescription.parse(text));
    }
}
