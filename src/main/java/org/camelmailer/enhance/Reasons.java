package org.camelmailer.enhance;

/** Shapes the failure reasons that travel from Gemini into logs and the task status: one short line each. */
final class Reasons {

    static final int MAX_LENGTH = 300;

    private Reasons() {
    }

    /** Folds line breaks and other control characters (log injection, multi-line status) and caps the length. */
    static String oneLine(String text) {
        String line = text.replaceAll("[\\p{Cc}\\p{Z}]+", " ").strip();
        if (line.length() <= MAX_LENGTH) {
            return line;
        }
        int end = MAX_LENGTH - 1;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end) + "…";
    }
}
