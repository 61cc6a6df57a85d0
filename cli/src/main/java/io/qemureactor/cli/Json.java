package io.qemureactor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON in and out of the CLI. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The optional ARGS_JSON of a command: absent, or a JSON object; anything else is a usage error naming it. */
    static JsonNode argumentsOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw CliFailure.usage("ARGS_JSON must be a JSON object, got: " + text);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw CliFailure.usage("ARGS_JSON is not valid JSON (" + e.getOriginalMessage() + "): " + text);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
