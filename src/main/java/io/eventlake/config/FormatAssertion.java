package io.eventlake.config;

/**
 * Whether the JSON Schema keyword {@code format} ({@code email}, {@code date-time}, {@code uuid}, ...) is checked.
 * Draft 2020-12 and 2019-09 make it an annotation unless the schema's metaschema declares the format-assertion
 * vocabulary; most users expect {@code "format": "email"} to be checked, so {@link #ALWAYS} is the default.
 */
public enum FormatAssertion {
    /** Checked in every dialect (the default). */
    ALWAYS,
    /**
     * As the specification says: checked where the metaschema's {@code $vocabulary} declares format assertion,
     * an annotation where it declares format annotation (the bundled 2020-12 and 2019-09 metaschemas do), and
     * checked in draft 7. Metaschemas are never fetched, so only the bundled ones can be declared.
     */
    VOCABULARY,
    /** Never checked: {@code format} is an annotation only. */
    NEVER
}
