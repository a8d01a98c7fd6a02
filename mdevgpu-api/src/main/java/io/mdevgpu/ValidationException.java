package io.mdevgpu;

/** A value given to the API is out of its allowed range or form; nothing was changed. */
public final class ValidationException extends MdevException {
    private final String property;
    private final String value;

    /**
     * @param property the property or parameter, e.g. {@code "framebuffer"}
     * @param value    the offending value as given
     * @param allowed  what is allowed, in words
     */
    public ValidationException(String property, String value, String allowed) {
        super("invalid " + property, value == null ? null : "\"" + value + "\"", allowed, null, null);
        this.property = property;
        this.value = value;
    }

    public String property() { return property; }
    public String value() { return value; }
}
