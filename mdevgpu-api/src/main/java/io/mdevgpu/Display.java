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
    /** The most display heads a type may have: 16 (the RM's {@code numHeads}). */
    public static final int MAX_HEADS = 16;
    /** The widest and the tallest resolution a type may have: 16384 pixels a side. */
    public static final int MAX_RESOLUTION = 16384;
    /** The highest frame-rate limit a type may have: 1000 frames per second. */
    public static final int MAX_FRAME_RATE = 1000;

    /** The predecessor's defaults: one head at 1024x1024, 120 fps, limiter off. */
    public static final Display DEFAULT = new Display(1, 1024, 1024, 120, false);

    /**
     * Checks each value is in its range.
     *
     * @throws ValidationException when a value is out of its range, naming the config key it comes from
     */
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

    /**
     * The default display with {@code n} heads.
     *
     * @param n display heads, 1..{@value #MAX_HEADS}
     * @return {@link #DEFAULT} with {@code n} heads
     * @throws ValidationException when {@code n} is out of range
     */
    public static Display heads(int n) {
        return DEFAULT.withHeads(n);
    }

    /**
     * This display with {@code n} heads.
     *
     * @param n display heads, 1..{@value #MAX_HEADS}
     * @return a copy with {@code n} heads
     * @throws ValidationException when {@code n} is out of range
     */
    public Display withHeads(int n) {
        return new Display(n, maxResolutionX, maxResolutionY, frameRateLimit, frameRateLimiter);
    }

    /**
     * This display with the largest resolution {@code x} by {@code y}.
     *
     * @param x width in pixels, 1..{@value #MAX_RESOLUTION}
     * @param y height in pixels, 1..{@value #MAX_RESOLUTION}
     * @return a copy with that resolution
     * @throws ValidationException when {@code x} or {@code y} is out of range
     */
    public Display maxResolution(int x, int y) {
        return new Display(heads, x, y, frameRateLimit, frameRateLimiter);
    }

    /**
     * This display with the frame-rate limit {@code fps}.
     *
     * @param fps frames per second, 1..{@value #MAX_FRAME_RATE}
     * @return a copy with that limit
     * @throws ValidationException when {@code fps} is out of range
     */
    public Display frameRateLimit(int fps) {
        return new Display(heads, maxResolutionX, maxResolutionY, fps, frameRateLimiter);
    }

    /**
     * This display with the frame-rate limiter on or off.
     *
     * @param on whether the limiter is on (the driver's {@code frlEnable})
     * @return a copy with the limiter so
     */
    public Display frameRateLimiter(boolean on) {
        return new Display(heads, maxResolutionX, maxResolutionY, frameRateLimit, on);
    }

    /** {@return the driver's {@code maxPixels}: width times height, in pixels} */
    public long maxPixels() {
        return (long) maxResolutionX * maxResolutionY;
    }

    /** {@return the largest resolution as width x height, {@code "1920x1080"}} */
    public String resolution() {
        return maxResolutionX + "x" + maxResolutionY;
    }

    @Override
    public String toString() {
        return heads + (heads == 1 ? " head" : " heads") + " @ " + resolution() + ", " + frameRateLimit + " fps"
                + (frameRateLimiter ? " (limited)" : "");
    }
}
