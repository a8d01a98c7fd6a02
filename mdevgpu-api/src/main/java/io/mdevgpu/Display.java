package io.mdevgpu;

/**
 * The virtual display of a vGPU type: heads, the largest resolution, and the frame-rate limit.
 * Immutable; the {@code with}-style methods return copies:
 * {@code Display.heads(4).maxResolution(1920, 1080).frameRateLimit(60)}.
 *
 * @param heads            display heads, 1..16 (NVIDIA's defaults: 1)
 * @param maxResolutionX   widest horizontal resolution, pixels
 * @param maxResolutionY   tallest vertical resolution, pixels
 * @param frameRateLimit   frame-rate limit in frames per second (the driver's {@code frlConfig})
 * @param frameRateLimiter whether the limiter is on (the driver's {@code frlEnable})
 */
public record Display(int heads, int maxResolutionX, int maxResolutionY, int frameRateLimit, boolean frameRateLimiter) {
    public static final int MAX_HEADS = 16;
    public static final int MAX_RESOLUTION = 16384;
    public static final int MAX_FRAME_RATE = 1000;

    /** The predecessor's defaults: one head at 1024x1024, 120 fps, limiter off. */
    public static final Display DEFAULT = new Display(1, 1024, 1024, 120, false);

    public Display {
        range("display.heads", heads, 1, MAX_HEADS);
        range("display.max_resolution width", maxResolutionX, 1, MAX_RESOLUTION);
        range("display.max_resolution height", maxResolutionY, 1, MAX_RESOLUTION);
        range("display.frame_rate_limit", frameRateLimit, 1, MAX_FRAME_RATE);
    }

    private static void range(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ValidationException(what, Integer.toString(value), "allowed: " + min + ".." + max);
        }
    }

    /** The default display with {@code n} heads. */
    public static Display heads(int n) {
        return DEFAULT.withHeads(n);
    }

    public Display withHeads(int n) {
        return new Display(n, maxResolutionX, maxResolutionY, frameRateLimit, frameRateLimiter);
    }

    public Display maxResolution(int x, int y) {
        return new Display(heads, x, y, frameRateLimit, frameRateLimiter);
    }

    public Display frameRateLimit(int fps) {
        return new Display(heads, maxResolutionX, maxResolutionY, fps, frameRateLimiter);
    }

    public Display frameRateLimiter(boolean on) {
        return new Display(heads, maxResolutionX, maxResolutionY, frameRateLimit, on);
    }

    /** The driver's {@code maxPixels}: width times height. */
    public long maxPixels() {
        return (long) maxResolutionX * maxResolutionY;
    }

    /** {@code "1920x1080"}. */
    public String resolution() {
        return maxResolutionX + "x" + maxResolutionY;
    }

    @Override
    public String toString() {
        return heads + (heads == 1 ? " head" : " heads") + " @ " + resolution() + ", " + frameRateLimit + " fps"
                + (frameRateLimiter ? " (limited)" : "");
    }
}
