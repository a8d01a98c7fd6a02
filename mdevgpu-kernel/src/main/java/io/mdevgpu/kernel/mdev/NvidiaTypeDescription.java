package io.mdevgpu.kernel.mdev;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mdevgpu.Size;
import io.mdevgpu.ValidationException;

/**
 * What NVIDIA's vGPU host driver writes into an mdev type's {@code description}:
 * {@code num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=12}.
 * Other tools grep these keys, so {@link #toString()} writes exactly that form (the simulated kernel uses it).
 *
 * @param numHeads       display heads
 * @param frlConfig      frame-rate limit, frames per second
 * @param framebuffer    the guest's framebuffer (the driver counts in MiB)
 * @param maxResolutionX widest resolution, pixels
 * @param maxResolutionY tallest resolution, pixels
 * @param maxInstance    instances of this type one GPU can hold
 */
public record NvidiaTypeDescription(int numHeads, int frlConfig, Size framebuffer, int maxResolutionX,
                                    int maxResolutionY, int maxInstance) {
    private static final Pattern RESOLUTION = Pattern.compile("(\\d{1,9})x(\\d{1,9})");
    private static final Pattern MIB = Pattern.compile("(\\d{1,12})M");

    public NvidiaTypeDescription {
        if (numHeads < 0 || frlConfig < 0 || maxResolutionX < 0 || maxResolutionY < 0 || maxInstance < 0) {
            throw new ValidationException("NVIDIA type description", null, "no negative numbers");
        }
        if (!framebuffer.isWholeMiB()) {
            throw new ValidationException("NVIDIA type description framebuffer", framebuffer.toString(), "whole MiB");
        }
    }

    /**
     * Reads NVIDIA's description; empty when the text is not one (another vendor's free text, or an NVIDIA
     * description missing one of the five keys). Keys the library does not know are ignored.
     */
    public static Optional<NvidiaTypeDescription> parse(String description) {
        if (description == null) return Optional.empty();
        Map<String, String> values = new HashMap<>();
        for (String entry : description.strip().split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) return Optional.empty();
            values.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        try {
            Matcher resolution = RESOLUTION.matcher(values.getOrDefault("max_resolution", ""));
            Matcher framebuffer = MIB.matcher(values.getOrDefault("framebuffer", ""));
            if (!resolution.matches() || !framebuffer.matches()) return Optional.empty();
            return Optional.of(new NvidiaTypeDescription(number(values, "num_heads"), number(values, "frl_config"),
                    Size.mib(Long.parseLong(framebuffer.group(1))), Integer.parseInt(resolution.group(1)),
                    Integer.parseInt(resolution.group(2)), number(values, "max_instance")));
        } catch (NumberFormatException | ValidationException e) {
            return Optional.empty();
        }
    }

    private static int number(Map<String, String> values, String key) {
        String text = values.get(key);
        if (text == null || !text.matches("\\d{1,9}")) throw new NumberFormatException(key);
        return Integer.parseInt(text);
    }

    /** The driver's form: {@code num_heads=4, frl_config=45, framebuffer=2048M, max_resolution=5120x2880, max_instance=12}. */
    @Override
    public String toString() {
        return "num_heads=" + numHeads + ", frl_config=" + frlConfig + ", framebuffer=" + framebuffer.toMiB()
                + "M, max_resolution=" + maxResolutionX + "x" + maxResolutionY + ", max_instance=" + maxInstance;
    }
}
