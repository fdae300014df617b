package org.camelmailer.enhance;

import org.camelmailer.support.GeminiStub;

/** Test helper: the real Gemini answers copied from ../shared/gemini into src/test/resources/gemini. */
final class GeminiFixtures {

    private GeminiFixtures() {
    }

    static String read(String fileName) {
        return GeminiStub.read(fileName);
    }
}
