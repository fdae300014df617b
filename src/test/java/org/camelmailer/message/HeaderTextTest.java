package org.camelmailer.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderTextTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Réunion", "=?UTF-8?B?SGFjaw==?= literal", "a =? b", "tab\there", "bell\u0007",
            "del\u007f", "😀"})
    void should_encode_text_a_reader_would_misread(String text) {
        assertThat(HeaderText.needsEncoding(text)).isTrue();
    }

    @Test
    void should_encode_a_run_too_long_to_fold() {
        assertThat(HeaderText.needsEncoding("x".repeat(64))).isFalse();
        assertThat(HeaderText.needsEncoding("x".repeat(65))).isTrue();
        assertThat(HeaderText.needsEncoding("a" + " ".repeat(64) + "b")).isFalse();
        assertThat(HeaderText.needsEncoding("a" + " ".repeat(65) + "b")).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Hello world", "Re: [ticket #42] 50% done, isn't it?", "a = b ? c"})
    void should_leave_plain_short_worded_ascii_as_it_is(String text) {
        assertThat(HeaderText.needsEncoding(text)).isFalse();
        assertThat(HeaderText.unstructured(text)).isEqualTo(text);
    }

    @Test
    void should_encode_the_literal_of_something_that_looks_encoded() throws Exception {
        String words = HeaderText.unstructured("=?UTF-8?B?SGFjaw==?= literal");

        assertThat(words).startsWith("=?UTF-8?B?").doesNotContain("SGFjaw==?=");
        assertThat(MimeUtility.decodeText(words)).isEqualTo("=?UTF-8?B?SGFjaw==?= literal");
    }

    @Test
    void should_cut_encoded_words_between_characters_and_decode_back_exactly() throws Exception {
        Random random = new Random(2047);
        String alphabet = "aé€😀👨‍👩‍👧 =?\"\\<>,;:日本 \t";
        for (int n = 0; n < 500; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(400); i >= 0; i--) {
                text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                        random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String words = HeaderText.encodedWords(text.toString());

            assertThat(words.split(" ")).allSatisfy(word -> assertThat(word).hasSizeLessThanOrEqualTo(64)
                    .matches("=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?="));
            assertThat(MimeUtility.decodeText(words)).isEqualTo(text.toString());
        }
    }
}
