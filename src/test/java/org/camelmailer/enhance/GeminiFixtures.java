package org.camelmailer.enhance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helper: the real Gemini answers copied from ../shared/gemini into src/test/resources/gemini. */
final class GeminiFixtures {

    private GeminiFixtures() {
    }

    static String read(String fileName) {
        try (InputStream in = GeminiFixtures.class.getResourceAsStream("/gemini/" + fileName)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource gemini/" + fileName);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
