package org.camelmailer.message;

/**
 * What the enhance stage gives the mail (the route binds it to variable enhancement): sanitised HTML to send with the
 * plain text, or why the plain text goes alone (recorded in the task's status). Absent when no enhancement was asked.
 */
public record Enhancement(String html, String fallbackReason) {

    // not named html(...): the route reads the accessor by OGNL (${variable.enhancement?.html}), and Camel would pick
    // a static html(String) too, with the message body as its argument
    public static Enhancement ofHtml(String html) {
        return new Enhancement(html, null);
    }

    public static Enhancement plainText(String reason) {
        return new Enhancement(null, reason);
    }

    public boolean enhanced() {
        return html != null;
    }
}
