package org.camelmailer.message;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Free text bound for a mail header (a subject, a display name) in a form every reader gets back unchanged:
 * plain when it is short-worded printable ASCII, else RFC 2047 encoded words (UTF-8, base64) short enough that
 * a header folded at their spaces keeps every line within 78 characters.
 */
public final class HeaderText {

    /**
     * The longest run of blanks or non-blanks kept as plain text. Folding happens only at a blank, so a longer
     * word could not fit in a line (a 998-character subject without spaces made a 1,007-character line), and a
     * long run of blanks would be carried whole onto a continuation line; encoded words can be cut anywhere.
     */
    static final int MAX_PLAIN_RUN = 64;

    private static final String PREFIX = "=?UTF-8?B?";
    private static final String SUFFIX = "?=";
    /** 39 bytes are 52 base64 characters: one encoded word is at most 64 characters, as long as a plain run. */
    private static final int MAX_WORD_BYTES = 39;

    private HeaderText() {
    }

    /**
     * Whether {@code text} must be encoded: not printable ASCII (a raw UTF-8 header needs SMTPUTF8, a control
     * character breaks it), or containing {@code =?} (a reader would decode text that merely looks like an
     * encoded word: "=?UTF-8?B?SGFjaw==?= literal" showed as "Hack literal"), or a run too long to fold.
     */
    public static boolean needsEncoding(String text) {
        if (text.contains("=?")) {
            return true;
        }
        int run = 0;
        boolean blank = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return true;
            }
            boolean isBlank = c == ' ';
            run = isBlank == blank ? run + 1 : 1;
            blank = isBlank;
            if (run > MAX_PLAIN_RUN) {
                return true;
            }
        }
        return false;
    }

    /** Unstructured header text (a subject): {@code text} itself when it needs no encoding, else encoded words. */
    public static String unstructured(String text) {
        return needsEncoding(text) ? encodedWords(text) : text;
    }

    /**
     * {@code text} as UTF-8 base64 encoded words separated by single spaces, where a header may be folded. Each
     * word holds whole code points (RFC 2047 forbids splitting a character), and readers join adjacent encoded
     * words without the space between them, so the text comes back exactly, its own spaces included.
     */
    public static String encodedWords(String text) {
        StringBuilder out = new StringBuilder();
        byte[] chunk = new byte[MAX_WORD_BYTES];
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
            if (used + bytes.length > MAX_WORD_BYTES) {
                word(out, chunk, used);
                used = 0;
            }
            System.arraycopy(bytes, 0, chunk, used, bytes.length);
            used += bytes.length;
            i += Character.charCount(codePoint);
        }
        if (used > 0 || out.length() == 0) {
            word(out, chunk, used);
        }
        return out.toString();
    }

    private static void word(StringBuilder out, byte[] chunk, int length) {
        if (out.length() > 0) {
            out.append(' ');
        }
        byte[] bytes = new byte[length];
        System.arraycopy(chunk, 0, bytes, 0, length);
        out.append(PREFIX).append(Base64.getEncoder().encodeToString(bytes)).append(SUFFIX);
    }
}
