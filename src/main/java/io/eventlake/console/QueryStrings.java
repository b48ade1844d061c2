package io.eventlake.console;

/** The query string of a filtered page's "next page" link. */
final class QueryStrings {

    private QueryStrings() {
    }

    /**
     * The given names and values ({@code name, value, name, value, ...}) as query parameters, each starting with
     * {@code &} (they follow the cursor); blank values are left out.
     */
    static String of(String... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value != null && !value.isBlank()) {
                query.append('&').append(namesAndValues[i]).append('=').append(ConsoleFormats.urlPath(value));
            }
        }
        return query.toString();
    }
}
