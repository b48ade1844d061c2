package io.eventlake.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.FormatAssertion;

/** A type's own format setting wins over the global one; a schema that needs backtracking still loads when stored. */
class SchemaCompilersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aTypeWithItsOwnFormatSettingIsCompiledWithIt() throws Exception {
        SchemaCompilers compilers = new SchemaCompilers(FormatAssertion.ALWAYS,
                Map.of("contact.imported", FormatAssertion.VOCABULARY));
        var schema = MAPPER.readTree("{\"type\": \"string\", \"format\": \"email\"}");
        var notAnEmail = MAPPER.readTree("\"not-an-email\"");

        assertThat(compilers.compileNew("contact.updated", schema).validate(notAnEmail)).hasSize(1);
        assertThat(compilers.compileNew("contact.imported", schema).validate(notAnEmail)).isEmpty();
        assertThat(compilers.formatsOf("contact.imported")).isEqualTo(FormatAssertion.VOCABULARY);
    }

    @Test
    void aStoredSchemaWithABackreferenceLoadsAsBefore() throws Exception {
        SchemaCompilers compilers = new SchemaCompilers(FormatAssertion.ALWAYS, Map.of());
        var schema = MAPPER.readTree("{\"type\": \"string\", \"pattern\": \"^(a)\\\\1$\"}");
        var loaded = compilers.compileStored("legacy.updated", 1, schema);
        assertThat(loaded.validate(MAPPER.readTree("\"aa\""))).isEmpty();
        assertThat(loaded.validate(MAPPER.readTree("\"ab\""))).hasSize(1);
    }
}
