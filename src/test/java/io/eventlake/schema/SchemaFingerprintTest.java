package io.eventlake.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SchemaFingerprintTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theSameContentHasTheSameFingerprintWhateverItsKeyOrderAndWhitespace() throws Exception {
        String a = SchemaFingerprint.of(MAPPER.readTree("{\"type\": \"object\", \"properties\": {\"a\": {}, \"b\": {}}}"));
        String b = SchemaFingerprint.of(MAPPER.readTree("{\"properties\":{\"b\":{},\"a\":{}},\"type\":\"object\"}"));
        assertThat(a).isEqualTo(b).hasSize(64);
    }

    @Test
    void otherContentHasAnotherFingerprint() throws Exception {
        assertThat(SchemaFingerprint.of(MAPPER.readTree("{\"enum\": [1, 2]}")))
                .isNotEqualTo(SchemaFingerprint.of(MAPPER.readTree("{\"enum\": [2, 1]}")));
    }
}
