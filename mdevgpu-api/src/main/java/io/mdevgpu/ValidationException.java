package io.mdevgpu;

/** A value given to the API is out of its allowed range or form; nothing was changed. */
public final class ValidationException extends MdevException {
    private static final long serialVersionUID = 1L;

    /** The property or parameter; see {@link #property()}. */
    private final String property;
    /** The offending value as given; see {@link #value()}. */
    private final String value;

    /**
     * A value out of its allowed range or form.
     *
     * @param property the property or parameter, e.g. {@code "framebuffer"}
     * @param value    the offending value as given, or null where none was
     * @param allowed  what is allowed, in words
     */
    public ValidationException(String property, String value, String allowed) {
        super("invalid " + property, value == null ? null : "\"" + value + "\"", allowed, null, null);
        this.property = property;
        this.value = value;
    }

    /** {@return the property or parameter that was given a bad value, e.g. {@code "framebuffer"}} */
    public String property() { return property; }

    /** {@return the offending value as given (its text); null where none was} */
    public String value() { return value; }
}
