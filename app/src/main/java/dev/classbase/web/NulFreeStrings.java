package dev.classbase.web;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every JSON string a request body binds to a {@code String} must be free of NUL ({@code \u0000}):
 * PostgreSQL's text types cannot store it (the manual, Character Types: "the character with code
 * zero cannot be stored"), and the insert would fail with SQLSTATE 22021 after the request did its
 * other work. Rejected while reading, as an invalid value of the field that holds it.
 */
public final class NulFreeStrings extends StringDeserializer {
    public static final String MESSAGE = "must not contain NUL (U+0000)";

    private NulFreeStrings() {}

    /** The module that puts this deserializer in place of Jackson's own for {@code String}. */
    static SimpleModule module() {
        return new SimpleModule("nul-free-strings").addDeserializer(String.class, new NulFreeStrings());
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
        String value = super.deserialize(p, ctxt);
        if (value != null && value.indexOf('\0') >= 0) {
            return (String) ctxt.handleWeirdStringValue(String.class, value, MESSAGE);
        }
        return value;
    }

    /**
     * Whether JSON text (as a generator wrote it) holds an escaped NUL, {@code \u0000} not itself
     * escaped: jsonb refuses it (SQLSTATE 22P05, the manual's JSON Types: "\u0000 is disallowed").
     */
    public static boolean hasEscapedNul(String json) {
        for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
            int backslashes = 0;
            for (int i = at; i >= 0 && json.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                return true;
            }
        }
        return false;
    }
}
